import { setTimeout as delay } from 'node:timers/promises';
import { DEFAULT_LIMITS } from './defaults';

/**
 * The one retry layer. Providers must not retry on their own (the `openai` SDK is built with
 * `maxRetries: 0`), so every attempt is visible as a state change.
 */
export interface RetryPolicy {
  /** Retries after the first attempt; 0 disables retrying. */
  maxRetries: number;
  /** The first backoff's upper bound; each retry doubles it. */
  baseDelayMs: number;
  /** Upper bound of any exponential backoff. */
  maxDelayMs: number;
  /** A server's Retry-After is honoured up to this; a longer wait is cut to it. */
  maxRetryAfterMs: number;
  /**
   * Waits for a rate limit (RateLimitedError) a task may go through, counted apart from `maxRetries`:
   * a busy endpoint should slow a run, not fail its tasks. Bounds a limit that never lifts.
   */
  maxRateLimitRetries: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  maxRetries: DEFAULT_LIMITS.maxRetries,
  baseDelayMs: 500,
  maxDelayMs: 30_000,
  maxRetryAfterMs: 60_000,
  maxRateLimitRetries: 30,
};

/**
 * Wait before retry number `retry` (1-based): exponential backoff with full jitter, uniform in
 * [0, min(maxDelay, base·2^(retry-1))], so many failing tasks do not retry in lockstep. When the server
 * said how long to wait, that wait is used (capped), since retrying sooner would just fail again — plus
 * a jitter of up to half of it (at most `baseDelayMs`): every task refused in one burst is told the same
 * wait, and without the spread they would all come back at the same instant and be refused again (the
 * rate-limit storm benchmark showed waves of 429s).
 */
export function backoffDelay(
  policy: RetryPolicy,
  retry: number,
  retryAfterMs?: number,
  random: () => number = Math.random,
): number {
  if (retryAfterMs !== undefined && Number.isFinite(retryAfterMs) && retryAfterMs >= 0) {
    const wait = Math.min(retryAfterMs, policy.maxRetryAfterMs);
    return wait + Math.floor(random() * Math.min(policy.baseDelayMs, wait / 2));
  }
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.max(0, retry - 1));
  return Math.floor(random() * ceiling);
}

/**
 * When the server asked for a wait longer than `maxRetryAfterMs` (a 429 with `Retry-After: 3600`),
 * retrying sooner would only be refused again, for as long as the rate-limit allowance lasts: the
 * task should fail at once, saying so. Returns that message, or undefined when a retry makes sense.
 */
export function waitBeyondCap(policy: RetryPolicy, error: unknown): string | undefined {
  const asked = retryAfterMs(error);
  if (asked === undefined || !Number.isFinite(asked) || asked <= policy.maxRetryAfterMs) return undefined;
  const seconds = (ms: number) => `${Math.round(ms / 100) / 10} s`;
  return `the server asked to wait ${seconds(asked)} before trying again, longer than the ${seconds(policy.maxRetryAfterMs)} this run waits at most: try again later, or use another endpoint`;
}

/** How many retries a task (or the planning call) has had so far. */
export interface RetryCounts {
  /** Every retry, rate-limit waits included. */
  retries: number;
  /** The retries that waited out a rate limit; they have their own allowance. */
  rateLimitRetries: number;
}

export type RetryDecision =
  | { retry: true; delayMs: number; rateLimited: boolean }
  | { retry: false; /** Why a retryable error is not retried, when it is not obvious from the error. */ why?: string };

/**
 * The one retry decision, for tasks and for planning: retry a retryable error while its allowance
 * lasts (rate limits have their own, so a busy endpoint slows work without using up its retries),
 * never when the server asked for a wait beyond the cap, after a jittered backoff.
 */
export function decideRetry(
  policy: RetryPolicy,
  error: unknown,
  counts: RetryCounts,
  random: () => number = Math.random,
): RetryDecision {
  if (!isRetryable(error)) return { retry: false };
  const rateLimited = isRateLimited(error);
  const failures = counts.retries - counts.rateLimitRetries;
  const left = rateLimited ? policy.maxRateLimitRetries - counts.rateLimitRetries : policy.maxRetries - failures;
  const why = waitBeyondCap(policy, error);
  if (why || left <= 0) return { retry: false, why };
  return { retry: true, rateLimited, delayMs: backoffDelay(policy, failures + 1, retryAfterMs(error), random) };
}

const RETRYABLE_STATUS = new Set([408, 409, 425, 429]);
const RETRYABLE_CODES = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'ECONNABORTED',
  'ETIMEDOUT',
  'EPIPE',
  'EAI_AGAIN',
  'ENETUNREACH',
  'EHOSTUNREACH',
  'UND_ERR_SOCKET',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
]);
// Error classes of HTTP clients (the openai SDK among them) that mean the connection failed.
const RETRYABLE_NAMES = new Set(['APIConnectionError', 'APIConnectionTimeoutError', 'FetchError']);

type ErrorShape = {
  retryable?: unknown;
  status?: unknown;
  code?: unknown;
  name?: unknown;
  cause?: unknown;
  headers?: unknown;
  retryAfterMs?: unknown;
};

/** Whether another attempt can succeed: 408, 409, 425, 429, 5xx, network failures, timeouts. */
export function isRetryable(error: unknown): boolean {
  for (let e = error as ErrorShape | undefined, depth = 0; e && typeof e === 'object' && depth < 5; e = e.cause as ErrorShape, depth++) {
    if (typeof e.retryable === 'boolean') return e.retryable;
    if (typeof e.status === 'number') return RETRYABLE_STATUS.has(e.status) || e.status >= 500;
    if (typeof e.code === 'string' && RETRYABLE_CODES.has(e.code)) return true;
    if (typeof e.name === 'string' && RETRYABLE_NAMES.has(e.name)) return true;
  }
  return false;
}

/** Whether the error says "slow down" (RateLimitedError), as opposed to "something broke". */
export function isRateLimited(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { rateLimited?: unknown }).rateLimited === true;
}

/** Reads a header from a fetch `Headers` or a plain object, case-insensitively. */
function header(headers: unknown, name: string): string | undefined {
  if (!headers || typeof headers !== 'object') return undefined;
  if (typeof (headers as Headers).get === 'function') return (headers as Headers).get(name) ?? undefined;
  for (const [key, value] of Object.entries(headers as Record<string, unknown>)) {
    if (key.toLowerCase() === name) return Array.isArray(value) ? String(value[0]) : String(value);
  }
  return undefined;
}

/**
 * How long the server asked us to wait, in milliseconds: `retry-after-ms`, then `Retry-After` as
 * seconds or as an HTTP date. Undefined when it said nothing usable.
 */
export function retryAfterMs(error: unknown, now: number = Date.now()): number | undefined {
  const e = error as ErrorShape | undefined;
  if (!e || typeof e !== 'object') return undefined;
  if (typeof e.retryAfterMs === 'number' && e.retryAfterMs >= 0) return e.retryAfterMs;
  const ms = Number(header(e.headers, 'retry-after-ms'));
  if (header(e.headers, 'retry-after-ms') !== undefined && Number.isFinite(ms) && ms >= 0) return ms;
  const value = header(e.headers, 'retry-after');
  if (value === undefined || value.trim() === '') return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return seconds >= 0 ? seconds * 1000 : undefined;
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/** Sleeps, ending at once (rejecting with the signal's reason) when the signal aborts. */
export async function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  if (signal?.aborted) throw signal.reason;
  try {
    await delay(ms, undefined, { signal });
  } catch (error) {
    throw signal?.aborted ? signal.reason : error;
  }
}
