import * as z from 'zod';
import { findCycle } from './graph-algorithms';
import { describeRange, TIMEOUT_SECONDS } from './limits';
import { MAX_QUESTION_LENGTH } from './question';
import { REPORT_DEPTHS } from './report-depth';

/** The kinds of work a research plan is made of. */
export const TASK_KINDS = ['search', 'analyze', 'synthesize'] as const;
export type TaskKind = (typeof TASK_KINDS)[number];

const taskIdSchema = z
  .string()
  .trim()
  .min(1, 'a task id must not be empty')
  .max(200, 'a task id must be at most 200 characters');

/** A simulated workload: lets anyone reproduce scheduling behaviour with no provider at all. */
export const simulateSchema = z.strictObject({
  /** How long each attempt takes. */
  ms: z.number().int().min(0).max(3_600_000),
  /** How many attempts fail (with a retryable error) before one succeeds. */
  failTimes: z.number().int().min(0).max(100).default(0),
});

export const taskSpecSchema = z.strictObject({
  id: taskIdSchema,
  kind: z.enum(TASK_KINDS),
  description: z.string().trim().min(1, 'a task needs a description'),
  dependsOn: z.array(taskIdSchema).default([]),
  /** 1 (lowest) .. 10 (highest); breaks ties between tasks with the same remaining critical path. */
  priority: z.number().int().min(1).max(10).default(5),
  /** The task this one was decomposed from, if any (shown nested under it). */
  parent: taskIdSchema.optional(),
  /** The search query, when it differs from the description. */
  query: z.string().optional(),
  /** The facet (sub-question) the task covers. */
  facet: z.string().optional(),
  /**
   * Words that narrow the query to the facet's aspect: a search finds passages that match the query
   * and at least one of these words (the offline provider's "Configuration" facet of a question).
   */
  focus: z.string().optional(),
  /** Overrides the run's per-attempt timeout for this task. */
  timeoutSeconds: z
    .number()
    .min(TIMEOUT_SECONDS.min, `the timeout must be ${describeRange(TIMEOUT_SECONDS)}`)
    .max(TIMEOUT_SECONDS.max, `the timeout must be ${describeRange(TIMEOUT_SECONDS)}`)
    .optional(),
  simulate: simulateSchema.optional(),
  /**
   * The question this task serves when it is not the run's: the tasks of a follow-up round carry the
   * follow-up ("also compare with the tests"), so they search, weigh and write for it (follow-up.ts).
   */
  question: z.string().trim().min(1).max(MAX_QUESTION_LENGTH).optional(),
  /** Analyze and synthesize tasks: how long the report is (see report-depth.ts). Default standard. */
  depth: z.enum(REPORT_DEPTHS).optional(),
});

export const planSchema = z.strictObject({
  question: z.string().trim().min(1, 'the question is empty: say what you want to find out'),
  tasks: z.array(taskSpecSchema),
});

export type TaskSpec = z.output<typeof taskSpecSchema>;
export type TaskSpecInput = z.input<typeof taskSpecSchema>;
export type Plan = z.output<typeof planSchema>;
export type PlanInput = z.input<typeof planSchema>;

export const DEFAULT_MAX_TASKS = 2000;

/** `"a" → "b" → "a"`: a cycle as found by findCycle, closed so the person sees the loop. */
export function describeCycle(cycle: readonly string[]): string {
  return [...cycle, cycle[0]].map((id) => `"${id}"`).join(' → ');
}

export class PlanValidationError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid plan: ${problems.join('; ')}`);
    this.name = 'PlanValidationError';
  }
}

export interface ValidateOptions {
  maxTasks?: number;
  /** Ids that exist outside this plan (e.g. completed tasks kept by a replan) and may be depended on. */
  externalIds?: ReadonlySet<string>;
}

/** Formats a zod issue path as `tasks[3] ("search-2").dependsOn[0]` so the person can find it. */
function describePath(path: readonly PropertyKey[], input: unknown): string {
  let text = '';
  let node: unknown = input;
  for (const key of path) {
    if (typeof key === 'number') {
      text += `[${key}]`;
      const item: unknown = Array.isArray(node) ? node[key] : undefined;
      const id = item && typeof item === 'object' && 'id' in item ? (item as { id: unknown }).id : undefined;
      if (typeof id === 'string') text += ` ("${id}")`;
      node = item;
    } else {
      text += text ? `.${String(key)}` : String(key);
      node = node && typeof node === 'object' ? (node as Record<PropertyKey, unknown>)[key] : undefined;
    }
  }
  return text || 'plan';
}

/**
 * Parses and checks a plan. Every problem is reported at once, each naming the task it concerns:
 * schema errors, an empty plan, too many tasks, duplicate ids, unknown or self dependencies, an
 * unknown parent, and cycles (with the tasks on the cycle, in order).
 */
export function validatePlan(input: unknown, options: ValidateOptions = {}): Plan {
  const maxTasks = options.maxTasks ?? DEFAULT_MAX_TASKS;
  const parsed = planSchema.safeParse(input);
  if (!parsed.success) {
    throw new PlanValidationError(
      parsed.error.issues.slice(0, 20).map((issue) => `${describePath(issue.path, input)}: ${issue.message}`),
    );
  }
  const plan = parsed.data;
  const problems: string[] = [];
  if (plan.tasks.length === 0) problems.push('the plan has no tasks: add at least one');
  if (plan.tasks.length > maxTasks) {
    problems.push(`the plan has ${plan.tasks.length} tasks, more than the maximum of ${maxTasks}: split the question or raise the maximum`);
  }

  const ids = new Set<string>();
  for (const task of plan.tasks) {
    if (ids.has(task.id)) problems.push(`task "${task.id}": the id is used by more than one task`);
    ids.add(task.id);
  }
  const known = (id: string) => ids.has(id) || (options.externalIds?.has(id) ?? false);
  for (const task of plan.tasks) {
    const seen = new Set<string>();
    for (const dep of task.dependsOn) {
      if (dep === task.id) problems.push(`task "${task.id}" depends on itself`);
      else if (!known(dep)) problems.push(`task "${task.id}" depends on unknown task "${dep}"`);
      if (seen.has(dep)) problems.push(`task "${task.id}" lists dependency "${dep}" twice`);
      seen.add(dep);
    }
    if (task.parent !== undefined && !known(task.parent)) {
      problems.push(`task "${task.id}" has unknown parent "${task.parent}"`);
    }
    if (task.parent === task.id) problems.push(`task "${task.id}" is its own parent`);
  }
  if (problems.length > 0) throw new PlanValidationError(problems.slice(0, 50));

  const byId = new Map(plan.tasks.map((t) => [t.id, t]));
  const cycle = findCycle(
    plan.tasks.map((t) => t.id),
    (id) => byId.get(id)?.dependsOn.filter((d) => ids.has(d)) ?? [],
  );
  if (cycle) throw new PlanValidationError([`the tasks ${describeCycle(cycle)} form a cycle: remove one of these dependencies`]);
  return plan;
}
