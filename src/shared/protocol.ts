// zod/mini: the same validation as zod, a twentieth of the size in the webview bundle.
import * as z from 'zod/mini';
import type { TaskKind } from '../core/plan';
import type { RunViewSnapshot } from '../core/run-view';
import type { TaskState } from '../core/task-state';

/**
 * The messages the progress panel's host (extension) and page (webview) exchange, as zod schemas
 * both ends validate against. Neither side trusts the other: the page could be running anything a
 * rendered report smuggled in, and the host's snapshot crosses a process boundary as JSON.
 *
 * Host → page: `snapshot` (the whole picture; the page diffs it itself) or `idle` (no run yet).
 * Page → host: `ready` once its listeners are up, then the person's gestures.
 *
 * No `vscode`, no DOM and no Node built-ins here: the webview bundle imports this file too.
 */

const STATES = [
  'PLANNED',
  'PENDING',
  'PLANNING',
  'WAITING',
  'READY',
  'RUNNING',
  'RETRYING',
  'COMPLETED',
  'FAILED',
  'CANCELLED',
] as const satisfies readonly TaskState[];
const KINDS = ['search', 'analyze', 'synthesize'] as const satisfies readonly TaskKind[];
// Fails to compile if the core adds a state or kind this file does not know.
type Missing<All, Listed> = Exclude<All, Listed> extends never ? true : never;
const statesComplete: Missing<TaskState, (typeof STATES)[number]> = true;
const kindsComplete: Missing<TaskKind, (typeof KINDS)[number]> = true;
void statesComplete;
void kindsComplete;

export const taskStateSchema = z.enum(STATES);

const text = (max: number) => z.string().check(z.maxLength(max));
const epochMs = z.number().check(z.nonnegative());
const count = z.int().check(z.nonnegative());
const taskId = z.string().check(z.minLength(1), z.maxLength(200));
const list = <T extends z.ZodMiniType>(item: T, max: number) => z.array(item).check(z.maxLength(max));

export const taskViewSchema = z.object({
  id: taskId,
  kind: z.enum(KINDS),
  description: text(10_000),
  dependsOn: list(taskId, 10_000),
  parent: z.optional(taskId),
  query: z.optional(text(10_000)),
  facet: z.optional(text(10_000)),
  state: taskStateSchema,
  attempts: count,
  retries: count,
  reason: z.optional(text(10_000)),
  lastError: z.optional(text(10_000)),
  summary: z.optional(text(10_000)),
  progress: z.optional(z.object({ message: text(10_000), fraction: z.optional(z.number().check(z.gte(0), z.lte(1))) })),
  startedAt: z.optional(epochMs),
  endedAt: z.optional(epochMs),
  spans: list(z.object({ start: epochMs, end: z.optional(epochMs), state: taskStateSchema }), 10_000),
});

/** The statistics the page shows; the rest of RunStatistics is dropped by validation (unused). */
const statsSchema = z.object({
  makespanMs: epochMs,
  criticalPath: list(taskId, 50_000),
  criticalPathMs: epochMs,
  totalWorkMs: epochMs,
  lowerBoundMs: epochMs,
  attempts: count,
});

const usageSchema = z.object({ inputTokens: epochMs, outputTokens: epochMs, costUsd: epochMs });

export const snapshotSchema = z.object({
  version: count,
  runId: text(200),
  question: text(10_000),
  root: text(10_000),
  providerLabel: text(500),
  status: z.enum(['planning', 'reviewing', 'running', 'replanning', 'cancelling', 'ended']),
  outcome: z.optional(z.enum(['completed', 'partial', 'failed', 'cancelled'])),
  startedAt: epochMs,
  endedAt: z.optional(epochMs),
  concurrency: count,
  tasks: list(taskViewSchema, 50_000),
  counts: z.record(taskStateSchema, count),
  retries: count,
  usage: usageSchema,
  stats: z.optional(statsSchema),
  reportPath: z.optional(text(10_000)),
  reportMarkdown: z.optional(text(5_000_000)),
  notices: list(z.object({ level: z.enum(['info', 'warn', 'error']), message: text(10_000), at: epochMs }), 1_000),
});

/** What the page draws: the validated snapshot (unknown stats fields dropped from the type). */
export type PanelSnapshot = z.output<typeof snapshotSchema>;
export type PanelTask = z.output<typeof taskViewSchema>;

// The host sends RunViewSnapshot as it is: fail to compile if the contract drifts from the schema.
const contractFits = (snapshot: RunViewSnapshot): z.input<typeof snapshotSchema> => snapshot;
void contractFits;

export const hostMessageSchema = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('snapshot'), snapshot: snapshotSchema }),
  z.strictObject({ type: z.literal('idle') }),
]);
export type HostMessage = z.output<typeof hostMessageSchema>;

const line = z.int().check(z.gte(1), z.lte(10_000_000));

export const pageMessageSchema = z.discriminatedUnion('type', [
  /** The page is listening; `restoredVersion`: the snapshot it drew from its saved state, if any. */
  z.strictObject({ type: z.literal('ready'), restoredVersion: z.optional(count) }),
  z.strictObject({ type: z.literal('cancelRun') }),
  z.strictObject({ type: z.literal('cancelTask'), taskId }),
  z.strictObject({ type: z.literal('retryTask'), taskId }),
  z.strictObject({ type: z.literal('replan') }),
  z.strictObject({ type: z.literal('openReport') }),
  z
    .strictObject({
      type: z.literal('openSource'),
      path: z.string().check(z.minLength(1), z.maxLength(4_096)),
      startLine: z.optional(line),
      endLine: z.optional(line),
    })
    .check(z.refine((m) => m.startLine === undefined || m.endLine === undefined || m.endLine >= m.startLine, 'endLine is before startLine')),
  z.strictObject({ type: z.literal('openExternal'), url: z.string().check(z.minLength(1), z.maxLength(8_192)) }),
]);
export type PageMessage = z.output<typeof pageMessageSchema>;

/** What the page keeps with `setState`, so a hidden or reloaded panel comes back as it was. */
export const pageStateSchema = z.object({
  snapshot: z.optional(snapshotSchema),
  selectedTaskId: z.optional(taskId),
  /** When the page last heard from the host (epoch ms): a restored run's clock stops there. */
  savedAt: z.optional(epochMs),
});
export type PageState = z.output<typeof pageStateSchema>;
