/**
 * The ranges every numeric setting must lie in, defined once for the plan schema, the command lines
 * and the extension's settings. Outside them a value is a mistake (a timeout of 0.0001 s times out
 * every attempt at once; one of 1e7 s overflows Node's timers), so it is refused with the range.
 */
export interface Range {
  readonly min: number;
  readonly max: number;
  readonly unit?: string;
}

/** A subtask attempt's timeout, in seconds: a tenth of a second to a day. */
export const TIMEOUT_SECONDS: Range = { min: 0.1, max: 86_400, unit: 'seconds' };

/** Subtasks running at once (a run's, or a worker's). */
export const CONCURRENCY: Range = { min: 1, max: 256 };
/** Retries after a retryable error. */
export const MAX_RETRIES: Range = { min: 0, max: 20 };
/** The most tasks a plan may have. */
export const MAX_TASKS: Range = { min: 1, max: 1_000_000 };

/** How long Redis may be unreachable mid-run before the tasks waiting on it fail (a timer: at most a day). */
export const REDIS_GRACE_SECONDS: Range = { min: 0.1, max: 86_400, unit: 'seconds' };
/** A worker's lock on its tasks; renewed every half of it, so it must be a timer's length. */
export const LOCK_TIMEOUT_SECONDS: Range = { min: 1, max: 86_400, unit: 'seconds' };
/** A run's spending limits. */
export const BUDGET_USD: Range = { min: 0.000001, max: 1_000_000, unit: 'US dollars' };
export const BUDGET_TOKENS: Range = { min: 1, max: 1e12, unit: 'tokens' };

/** `0.1 to 86400 seconds`, for messages. */
export function describeRange(range: Range): string {
  return `${range.min} to ${range.max}${range.unit ? ` ${range.unit}` : ''}`;
}

export function inRange(range: Range, value: number): boolean {
  return Number.isFinite(value) && value >= range.min && value <= range.max;
}

/** `value` moved into `range`: for settings, which the editor's schema checks only as a hint. */
export function clampToRange(range: Range, value: number): number {
  if (!Number.isFinite(value)) return range.max;
  return Math.min(range.max, Math.max(range.min, value));
}
