import * as z from 'zod';
import type { TaskResult } from '../core/executor';
import { taskSpecSchema } from '../core/plan';

/**
 * What travels through Redis, as plain JSON checked with zod on arrival: a job is one attempt of one
 * task; an outcome is what that attempt produced. Both come from another process (maybe another
 * machine, maybe another version), so neither side trusts the other's shape.
 */

/** 2: `inputs` became [task id, result] pairs (1 had an object keyed by task id). */
export const JOB_VERSION = 2;

const usageSchema = z.object({ inputTokens: z.number(), outputTokens: z.number(), costUsd: z.number().optional() });

const taskResultSchema = z.looseObject({
  summary: z.string(),
  findings: z.array(z.looseObject({})).optional(),
  draft: z.looseObject({}).optional(),
  data: z.unknown().optional(),
  usage: usageSchema.optional(),
});

export const jobDataSchema = z.object({
  v: z.literal(JOB_VERSION),
  /** The run id, as in the journal and the report. */
  runId: z.string(),
  /** The run's session in Redis (run id plus a per-dispatcher nonce): jobs, outcomes, cancel marks. */
  runKey: z.string(),
  task: taskSpecSchema,
  attempt: z.number().int().min(1),
  question: z.string(),
  /**
   * Results of the task's dependencies as [task id, result] pairs: an object keyed by task id would
   * lose or mangle an id such as `__proto__` on its way through JSON and zod.
   */
  inputs: z.array(z.tuple([z.string(), taskResultSchema])),
  /** Which provider runs the task: its id and its settings (never a key: workers use their own). */
  provider: z.object({ id: z.string(), settings: z.record(z.string(), z.unknown()).optional() }),
  /** The folder's name: a worker only runs tasks over a copy of the same folder (policy.ts). */
  workspace: z.object({ name: z.string() }),
  enqueuedAt: z.number(),
});
export type JobData = z.infer<typeof jobDataSchema>;

export const errorShapeSchema = z.object({
  message: z.string(),
  name: z.string().optional(),
  retryable: z.boolean(),
  rateLimited: z.boolean().optional(),
  retryAfterMs: z.number().optional(),
  /** What the attempt spent before it failed (model tokens), counted by the dispatcher. */
  usage: z.object({ inputTokens: z.number(), outputTokens: z.number(), costUsd: z.number() }).optional(),
});
export type ErrorShape = z.infer<typeof errorShapeSchema>;

export const outcomeSchema = z.discriminatedUnion('ok', [
  z.object({ ok: z.literal(true), result: taskResultSchema, workerId: z.string(), at: z.number() }),
  z.object({ ok: z.literal(false), error: errorShapeSchema, workerId: z.string(), at: z.number() }),
]);
export type Outcome = z.infer<typeof outcomeSchema>;

/** Progress as sent with `job.updateProgress`. */
export const progressSchema = z.object({ message: z.string(), fraction: z.number().optional() });

/** The dependencies' results as a job carries them, and back. */
export function jobInputs(inputs: ReadonlyMap<string, TaskResult>): JobData['inputs'] {
  return [...inputs] as JobData['inputs'];
}

export function inputsOfJob(job: JobData): Map<string, TaskResult> {
  return new Map(job.inputs as Array<[string, TaskResult]>);
}

export function parseJobData(raw: unknown): JobData {
  const parsed = jobDataSchema.safeParse(raw);
  if (!parsed.success) throw new Error(`the job is not a research task this worker understands: ${z.prettifyError(parsed.error)}`);
  return parsed.data;
}
