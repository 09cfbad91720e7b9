import type { EndpointLimits } from './endpoint-limiter';

/** Which time-based limit holds a request back. */
export type HoldReason = 'pause' | 'rpm' | 'tpm';

/** Taken (one request and the estimated tokens), or refused with the wait and why, having taken nothing. */
export type TakeResult = { taken: true } | { taken: false; waitMs: number; reason: HoldReason };

/**
 * The time-based limits of one endpoint kept outside the process (Redis, for workers), so every
 * process using the endpoint draws on the same requests-per-minute and tokens-per-minute buckets and
 * sees the same 429 pause. Each call is atomic across processes. A store that cannot be reached
 * rejects with a retryable error within a bounded time: limits are never skipped, nor waited on forever.
 */
export interface SharedEndpointState {
  /** Checks the pause and both buckets; takes one request and `estimatedTokens` only if all allow. */
  take(estimatedTokens: number): Promise<TakeResult>;
  /** Once the real usage is known: gives tokens back (positive) or charges more (negative). */
  adjustTokens(delta: number): Promise<void>;
  /** After a 429: holds every request to the endpoint for `ms`, or longer if a longer pause is set; resolves to the pause in force (ms). */
  pause(ms: number): Promise<number>;
}

/**
 * Makes the shared state of one endpoint. The worker process passes one built on its Redis connection
 * (createSharedEndpointLimits in src/distributed/shared-endpoint-limits.ts); in-process runs pass none.
 */
export type SharedLimitsFactory = (endpointName: string, baseUrl: string, limits: EndpointLimits) => SharedEndpointState;
