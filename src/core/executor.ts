import type { Finding, ReportDraft } from './sources';
import type { TaskSpec } from './plan';

/** What a task produced. Plain data, so it can be journalled or sent to another process. */
export interface TaskResult {
  /** One line for people: shown in the tree, the progress and the report's appendix. */
  summary: string;
  /** Evidence this task found or selected. */
  findings?: Finding[];
  /** Set by synthesize tasks: the report body. */
  draft?: ReportDraft;
  /** Anything else a provider wants to pass to dependents (must be JSON-serializable). */
  data?: unknown;
  usage?: { inputTokens: number; outputTokens: number; costUsd?: number };
}

/**
 * What a failed attempt spent before it failed, carried on the error it threw (a plain property, so it
 * survives a trip through Redis as data). Lets a run on workers count the tokens of failed attempts.
 */
export interface AttemptUsage {
  attemptUsage?: { inputTokens: number; outputTokens: number; costUsd: number };
}

export function attemptUsageOf(error: unknown): AttemptUsage['attemptUsage'] {
  const usage = (error as AttemptUsage | undefined)?.attemptUsage;
  return usage && typeof usage === 'object' && typeof usage.inputTokens === 'number' ? usage : undefined;
}

/** What an executor is handed for one attempt of one task. */
export interface TaskContext {
  /** Aborts on task cancel, run cancel or the attempt's timeout. Executors must stop promptly when it fires. */
  signal: AbortSignal;
  /** 1 for the first attempt. */
  attempt: number;
  /** Results of the task's dependencies, by task id. */
  inputs: ReadonlyMap<string, TaskResult>;
  /** The run's question. */
  question: string;
  /** Reports progress of this attempt (shown live; fraction in 0..1 when known). */
  progress(message: string, fraction?: number): void;
}

/**
 * Runs one attempt of a task. Throwing fails the attempt; the dispatcher decides whether to retry
 * (see retry.ts). Executors sit behind this interface so tasks can later run on other machines.
 */
export type TaskExecutor = (task: TaskSpec, context: TaskContext) => Promise<TaskResult>;

/**
 * Where tasks run when not in this process (workers on other machines, see src/distributed): the
 * dispatcher keeps the graph, the journal and the retry policy, and hands each attempt to `execute`.
 */
export interface TaskTransport {
  readonly execute: TaskExecutor;
  /** Releases connections; called once when the run has ended, whatever its outcome. */
  close(): Promise<void>;
}

/** What a transport is opened for: one run, with the provider its tasks use. */
export interface TransportRequest {
  runId: string;
  /** The provider's id and settings (never a key) travel with each task; workers build their own. */
  provider: { id: string; settings?: Readonly<Record<string, unknown>> };
  /** The folder researched. */
  root: string;
  /** Emits the transport's notices (a lost job queued again, no worker for a kind) as `log` events. */
  log(level: 'info' | 'warn' | 'error', message: string): void;
}

export type OpenTransport = (request: TransportRequest) => Promise<TaskTransport>;
