import { settleOrAbandon } from './abandon';
import { TaskTimeoutError } from './errors';
import type { TaskResult } from './executor';

export interface AttemptLimits {
  /** Aborts every attempt of the run (run cancel). */
  runSignal: AbortSignal;
  /** Aborts this attempt only (task cancel). */
  taskSignal: AbortSignal;
  /** 0: no timeout. */
  timeoutMs: number;
  /** After an abort, how long the work may take to stop before it is left behind. */
  abandonAfterMs: number;
  onAbandoned: () => void;
}

/** How an attempt ended. A cancelled attempt has nothing to report: whoever cancelled it settled its state. */
export type AttemptOutcome =
  | { kind: 'completed'; result: TaskResult }
  | { kind: 'cancelled' }
  | { kind: 'failed'; error: unknown };

/**
 * Runs one attempt of a task under the run's and the task's abort signals and its timeout. A result
 * that arrives after an abort does not count; a timeout is a (retryable) TaskTimeoutError.
 */
export async function runAttempt(work: (signal: AbortSignal) => Promise<TaskResult>, limits: AttemptLimits): Promise<AttemptOutcome> {
  const timeout = limits.timeoutMs > 0 ? AbortSignal.timeout(limits.timeoutMs) : undefined;
  const signal = AbortSignal.any([limits.runSignal, limits.taskSignal, ...(timeout ? [timeout] : [])]);
  let settled: { ok: true; result: TaskResult } | { ok: false; error: unknown };
  try {
    settled = { ok: true, result: await settleOrAbandon(work(signal), signal, limits.abandonAfterMs, limits.onAbandoned) };
  } catch (error) {
    settled = { ok: false, error };
  }
  if (settled.ok && !signal.aborted) return { kind: 'completed', result: settled.result };
  if (limits.runSignal.aborted || limits.taskSignal.aborted) return { kind: 'cancelled' };
  if (timeout?.aborted) return { kind: 'failed', error: new TaskTimeoutError(limits.timeoutMs) };
  return { kind: 'failed', error: settled.ok ? new Error('aborted') : settled.error };
}
