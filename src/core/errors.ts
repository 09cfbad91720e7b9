/** Errors the dispatcher understands. Providers throw these (or errors with the same shape). */

/** An error worth another attempt, optionally with the wait the server asked for. */
export class RetryableError extends Error {
  readonly retryable = true;
  constructor(
    message: string,
    readonly retryAfterMs?: number,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'RetryableError';
  }
}

/**
 * The endpoint is at its rate limit (a 429, or a request/token budget per minute used up). Retried
 * after the wait without using up the task's `maxRetries`: rate limits slow a run, they never fail a
 * task that would otherwise succeed (RetryPolicy.maxRateLimitRetries still bounds an endless storm).
 */
export class RateLimitedError extends RetryableError {
  readonly rateLimited = true;
  constructor(message: string, retryAfterMs?: number, options?: { cause?: unknown }) {
    super(message, retryAfterMs, options);
    this.name = 'RateLimitedError';
  }
}

/** An error that another attempt cannot fix (bad request, invalid answer after repair, …). */
export class PermanentError extends Error {
  readonly retryable = false;
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'PermanentError';
  }
}

/** One attempt ran past its time. Retryable: slowness is often passing. */
export class TaskTimeoutError extends Error {
  readonly retryable = true;
  constructor(readonly timeoutMs: number) {
    super(`timed out after ${formatSeconds(timeoutMs)}`);
    this.name = 'TaskTimeoutError';
  }
}

export function formatSeconds(ms: number): string {
  return ms < 10_000 ? `${(ms / 1000).toFixed(1)} s` : `${Math.round(ms / 1000)} s`;
}

/** A one-line message for any thrown value, for tree tooltips, logs and the report. */
export function errorMessage(error: unknown): string {
  if (error instanceof Error) return error.message || error.name;
  if (typeof error === 'string') return error;
  try {
    return JSON.stringify(error) ?? String(error);
  } catch {
    return String(error);
  }
}

/** Bad input from the person (empty question, unknown option, …): the message says what to fix. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/** The person discarded the plan under review (or cancelled the run while it was under review): nothing ran. */
export class PlanDiscardedError extends Error {
  constructor() {
    super('the plan was discarded: nothing ran');
    this.name = 'PlanDiscardedError';
  }
}
