import type { EventBus, RunOutcome } from './events';
import type { TaskExecutor, TaskResult } from './executor';
import type { Plan } from './plan';
import type { RetryPolicy } from './retry';
import type { RunStatistics } from './stats';
import type { TaskSnapshot } from './task';

export interface DispatcherOptions {
  runId: string;
  plan: Plan;
  executor: TaskExecutor;
  /** Tasks running at once; can be changed during the run with `setConcurrency`. */
  concurrency?: number;
  /** Per-attempt timeout; a task's own `timeoutSeconds` overrides it. 0 or undefined: none. */
  taskTimeoutMs?: number;
  retry?: Partial<RetryPolicy>;
  maxTasks?: number;
  bus?: EventBus;
  /** Cancels the whole run when it aborts (e.g. Ctrl-C, the progress notification's cancel button). */
  signal?: AbortSignal;
  /**
   * After an abort, how long to wait for an executor to stop before leaving it behind. Well-behaved
   * executors stop long before; this only keeps a misbehaving one from hanging the run.
   */
  abandonAfterMs?: number;
  random?: () => number;
  /**
   * Tasks completed in an earlier session of this run (resume), with their results: they start
   * COMPLETED and never run. `run()` announces each with a `task:state` (PENDING → COMPLETED, reason
   * RESTORED_REASON, attempt 0) and its `task:result`, so front ends show them like any finished task.
   */
  completed?: ReadonlyMap<string, TaskResult>;
  /**
   * Asked before each attempt of a task starts. A string is a reason not to start it: the task ends
   * CANCELLED with that reason (marked `skipped`), and its dependents run without its result instead
   * of being cancelled too. A budget uses it to stop new research while still writing the report.
   */
  shouldStart?: (task: TaskSnapshot) => string | undefined;
  /**
   * What the run spent, when someone counts more than the tasks' results do (a provider counts planning
   * and failed attempts too): the statistics, and so `run:end`, the journal and run.json, report it.
   */
  usage?: () => { inputTokens: number; outputTokens: number; costUsd: number };
}

export interface RunSummary {
  runId: string;
  outcome: RunOutcome;
  stats: RunStatistics;
  tasks: TaskSnapshot[];
}

export class RunEndedError extends Error {
  constructor(action: string) {
    super(`the run has ended, so it cannot ${action}: start a new run`);
    this.name = 'RunEndedError';
  }
}
