import type { TaskResult } from './executor';
import type { TaskSpec } from './plan';
import { assertTransition, type TaskState } from './task-state';

/** A read-only picture of a task, as front ends and planners see it. Plain data. */
export interface TaskSnapshot {
  readonly spec: TaskSpec;
  readonly state: TaskState;
  /** Attempts started so far. */
  readonly attempts: number;
  /** Attempts that failed and were retried. */
  readonly retries: number;
  /** Why the task failed or was cancelled, in words that name the cause. */
  readonly reason?: string;
  /**
   * Cancelled before it started by the dispatcher's `shouldStart` hook (e.g. a budget): its dependents
   * still run, without its result, so a report can be written from what was found.
   */
  readonly skipped?: boolean;
  readonly result?: TaskResult;
  /** Epoch milliseconds. */
  readonly startedAt?: number;
  readonly endedAt?: number;
  /** Time spent in attempts (excluding backoff sleeps), in milliseconds. */
  readonly busyMs: number;
  readonly progress?: { message: string; fraction?: number };
}

/** A task inside the dispatcher: its spec plus mutable run state. Only the dispatcher mutates it. */
export class Task implements TaskSnapshot {
  state: TaskState = 'PENDING';
  attempts = 0;
  retries = 0;
  /** Retries after a rate limit; they do not count against RetryPolicy.maxRetries. */
  rateLimitRetries = 0;
  reason?: string;
  skipped?: boolean;
  result?: TaskResult;
  startedAt?: number;
  endedAt?: number;
  busyMs = 0;
  progress?: { message: string; fraction?: number };
  /** Dependencies not yet completed; the task is ready when this reaches zero. */
  unmetDependencies = 0;
  /** Aborts the attempt in flight (task cancel); created per attempt. */
  controller?: AbortController;
  /** Set while the task waits out a retry's backoff. */
  retryTimer?: NodeJS.Timeout;

  constructor(public spec: TaskSpec) {}

  get id(): string {
    return this.spec.id;
  }

  /** Changes state through the transition table; returns the previous state. */
  moveTo(next: TaskState): TaskState {
    const previous = this.state;
    assertTransition(this.id, previous, next);
    this.state = next;
    return previous;
  }

  snapshot(): TaskSnapshot {
    return {
      spec: this.spec,
      state: this.state,
      attempts: this.attempts,
      retries: this.retries,
      reason: this.reason,
      ...(this.skipped ? { skipped: true } : {}),
      result: this.result,
      startedAt: this.startedAt,
      endedAt: this.endedAt,
      busyMs: this.busyMs,
      progress: this.progress,
    };
  }
}
