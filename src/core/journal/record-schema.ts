import * as z from 'zod';
import { planSchema } from '../plan';
import { TaskState } from '../task-state';
import type { JournalRecord, JournalRecordType } from './records';

/**
 * What a journal line must be to be read back. A journal comes with the folder researched, so it is
 * untrusted input: each record is checked field by field, plans against the plan schema (as any plan
 * is), and the sources a result cites must be paths inside the folder, so a planted journal cannot make
 * a report (or a model reading the restored evidence) quote `/etc/passwd` or `../../.ssh/id_rsa`.
 * Unknown extra fields are kept (a newer minor version may add some); missing or mistyped ones refuse.
 */

const text = z.string().max(10_000_000);
const shortText = z.string().max(100_000);
const time = z.number().finite();
const line = z.number().int().min(1).max(100_000_000);
const taskId = z.string().min(1).max(200);

/** A path relative to the folder researched, with `/` separators, that cannot leave it. */
const sourcePath = z
  .string()
  .min(1)
  .max(4096)
  .refine((p) => !p.startsWith('/') && !/^[A-Za-z]:/.test(p) && !p.includes('\\') && !p.split('/').includes('..') && !p.includes('\0'), {
    message: 'a source path must be relative to the folder researched and stay inside it',
  });

const sourceRef = z.object({
  path: sourcePath,
  startLine: line,
  endLine: line,
  url: z.url({ protocol: /^https?$/ }).max(8192).optional(),
  title: shortText.optional(),
});

const finding = z.object({
  source: sourceRef,
  quote: text,
  score: z.number().finite(),
  facet: shortText.optional(),
  verified: z.boolean().optional(),
});

const reportBlock = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('quote'), text, source: sourceRef, language: z.string().max(100).optional(), verified: z.boolean().optional() }),
  z.object({ kind: z.literal('text'), text, citations: z.array(sourceRef).max(10_000) }),
]);

const usage = z.object({ inputTokens: z.number().min(0), outputTokens: z.number().min(0), costUsd: z.number().min(0).optional() });

const taskResult = z.object({
  summary: text,
  findings: z.array(finding).max(100_000).optional(),
  draft: z
    .object({ title: shortText, method: text, sections: z.array(z.object({ heading: shortText, blocks: z.array(reportBlock).max(100_000) })).max(10_000) })
    .optional(),
  data: z.unknown().optional(),
  usage: usage.optional(),
});

const state = z.enum(TaskState);
const outcome = z.enum(['completed', 'partial', 'failed', 'cancelled']);
const base = { v: z.number().int().min(1), at: time };

const schemas: Record<JournalRecordType, z.ZodType> = {
  'run:start': z.object({ ...base, type: z.literal('run:start'), runId: z.string().max(200), question: text, plan: planSchema }),
  'task:state': z.object({ ...base, type: z.literal('task:state'), taskId, from: state, to: state, reason: text.optional(), attempt: z.number().int().min(0) }),
  'task:retry': z.object({ ...base, type: z.literal('task:retry'), taskId, attempt: z.number().int().min(0), delayMs: z.number().min(0), error: text }),
  'task:result': z.object({ ...base, type: z.literal('task:result'), taskId, result: taskResult }),
  'run:replan': z.object({ ...base, type: z.literal('run:replan'), added: z.array(taskId), dropped: z.array(taskId), kept: z.array(taskId), plan: planSchema }),
  'run:concurrency': z.object({ ...base, type: z.literal('run:concurrency'), concurrency: z.number().int().min(1).max(1_000_000) }),
  log: z.object({ ...base, type: z.literal('log'), level: z.enum(['warn', 'error']), message: text }),
  'run:end': z.object({ ...base, type: z.literal('run:end'), outcome, stats: z.object({ usage: usage.required() }).loose() }),
  resume: z.object({ ...base, type: z.literal('resume'), pid: z.number().int(), restored: z.array(taskId), tornBytes: z.number().int().min(0).optional(), followUp: z.string().max(4000).optional() }),
};

/** The record, checked; throws an Error whose message says which field is wrong. */
export function checkRecord(type: JournalRecordType, value: unknown): JournalRecord {
  const parsed = schemas[type].safeParse(value);
  if (parsed.success) return parsed.data as JournalRecord;
  const issue = parsed.error.issues[0]!;
  throw new Error(`a ${type} record with an invalid ${issue.path.length > 0 ? `"${issue.path.join('.')}"` : 'shape'} (${issue.message})`);
}
