import { RateLimitedError } from '../../core/errors';
import { Slots } from '../../core/slots';
import type { HoldReason, SharedEndpointState } from './shared-endpoint-state';
import { TokenBucket } from './token-bucket';

export interface EndpointLimits {
  /** Requests in flight at once. */
  concurrency: number;
  requestsPerMinute?: number;
  tokensPerMinute?: number;
}

/** A concurrency slot with its token reservation; settle with the real usage, then release. */
export interface Lease {
  /** Local limits settle at once; shared ones reject (retryable) when their store cannot be reached. */
  settle(actualTokens: number): Promise<void>;
  release(): void;
}


const MINUTE = 60_000;

/**
 * The limits of one endpoint, shared by every task that uses it: requests in flight, requests per
 * minute, tokens per minute (reserved from an estimate, settled with the real count), and a pause
 * after a 429 that holds back every request to the endpoint until the wait the server asked for is over.
 *
 * Time-based holds (pause, per-minute budgets) throw a RateLimitedError carrying the wait, so the task
 * goes to RETRYING, gives its dispatcher slot to other work and comes back when the endpoint can take
 * it. A full set of concurrency slots is waited for in line (FIFO): in-flight requests end soon.
 *
 * With a `shared` state (workers on Redis), the per-minute budgets and the 429 pause live there and are
 * shared by every process using the endpoint: the store decides each request atomically. The
 * concurrency slots stay per process: the in-flight limit is per worker (ten workers may have ten
 * times `concurrency` requests in flight), while per-minute limits and 429 pauses are shared.
 */
export class EndpointLimiter {
  private readonly slots = new Slots(() => this.limits.concurrency);
  private readonly requests?: TokenBucket;
  private readonly tokens?: TokenBucket;
  /** With shared limits, also the pauses the store told of: they only ever grow, so this is never too long. */
  private pausedUntil = 0;
  /**
   * Shared limits only: until when the store last said a per-minute budget is used up. A hint for
   * choosing among endpoints and for status, never a reason to refuse: other workers may have given
   * tokens back since, so acquire asks the store.
   */
  private budgetHeldUntil = 0;

  constructor(
    readonly name: string,
    readonly limits: EndpointLimits,
    private readonly now: () => number = Date.now,
    private readonly shared?: SharedEndpointState,
  ) {
    if (shared) return;
    if (limits.requestsPerMinute) this.requests = new TokenBucket(limits.requestsPerMinute, MINUTE, now);
    if (limits.tokensPerMinute) this.tokens = new TokenBucket(limits.tokensPerMinute, MINUTE, now);
  }

  /** In flight and queued, per slot: 0 idle, 1 full, above 1 with requests waiting. */
  get load(): number {
    return (this.slots.inUse + this.slots.waiting) / Math.max(1, this.limits.concurrency);
  }

  get active(): number {
    return this.slots.inUse;
  }

  /** Whether its time-based limits live in a shared store (then holdMs is what this process last heard). */
  get isShared(): boolean {
    return this.shared !== undefined;
  }

  /**
   * Milliseconds before a request of `tokens` may start by the time-based limits; 0 means now. With
   * shared limits, what this process last heard from the store: acquire asks the store itself.
   */
  holdMs(tokens: number): number {
    const now = this.now();
    if (this.shared) return Math.max(0, this.pausedUntil - now, this.budgetHeldUntil - now);
    return Math.max(0, this.pausedUntil - now, this.requests?.waitMs(1) ?? 0, this.tokens?.waitMs(tokens) ?? 0);
  }

  /**
   * After a 429: no request leaves for this endpoint for `ms`. This process holds at once; with shared
   * limits the pause is also written to the store, for every process (rejecting if it cannot be
   * reached), and this process holds for the pause in force there, which may be longer.
   */
  async pause(ms: number): Promise<void> {
    this.pausedUntil = Math.max(this.pausedUntil, this.now() + ms);
    if (!this.shared) return;
    const inForce = await this.shared.pause(ms);
    this.pausedUntil = Math.max(this.pausedUntil, this.now() + inForce);
  }

  async acquire(estimatedTokens: number, signal: AbortSignal, onWait?: (message: string) => void): Promise<Lease> {
    this.throwIfHeld(estimatedTokens);
    if (onWait && this.slots.full) {
      onWait(`waiting for a free slot on endpoint "${this.name}" (${this.slots.inUse} of ${this.limits.concurrency} in use, ${this.slots.waiting} waiting)`);
    }
    await this.slots.acquire(signal);
    try {
      // Taken only once a slot is free, so a request waiting in line holds no share of the budgets.
      await this.take(estimatedTokens);
    } catch (error) {
      this.slots.release();
      throw error;
    }
    let released = false;
    return {
      settle: (actual) => this.settle(estimatedTokens - actual),
      release: () => {
        if (released) return;
        released = true;
        this.slots.release();
      },
    };
  }

  private async take(tokens: number): Promise<void> {
    // The endpoint may have been paused while this request waited for its slot.
    this.throwIfHeld(tokens);
    if (!this.shared) {
      this.requests?.take(1);
      this.tokens?.take(tokens);
      return;
    }
    const result = await this.shared.take(tokens);
    if (result.taken) {
      this.budgetHeldUntil = 0;
      return;
    }
    const until = this.now() + result.waitMs;
    if (result.reason === 'pause') this.pausedUntil = Math.max(this.pausedUntil, until);
    else this.budgetHeldUntil = until;
    throw this.heldError(result.reason, result.waitMs);
  }

  private settle(delta: number): Promise<void> {
    if (!this.shared) {
      this.tokens?.adjust(delta);
      return Promise.resolve();
    }
    return this.limits.tokensPerMinute && delta !== 0 ? this.shared.adjustTokens(delta) : Promise.resolve();
  }

  /** What this process knows for sure holds a request: any hold when local; only a pause when shared. */
  private throwIfHeld(tokens: number): void {
    const wait = this.shared ? Math.max(0, this.pausedUntil - this.now()) : this.holdMs(tokens);
    if (wait <= 0) return;
    const reason: HoldReason = this.pausedUntil > this.now() ? 'pause' : (this.requests?.waitMs(1) ?? 0) > 0 ? 'rpm' : 'tpm';
    throw this.heldError(reason, wait);
  }

  private heldError(reason: HoldReason, wait: number): RateLimitedError {
    const why =
      reason === 'pause'
        ? 'asked for a pause (429)'
        : reason === 'rpm'
          ? `is at its limit of ${this.limits.requestsPerMinute} requests per minute`
          : `is at its limit of ${this.limits.tokensPerMinute} tokens per minute`;
    return new RateLimitedError(`endpoint "${this.name}" ${why}${this.shared ? ' (shared by all workers)' : ''}`, wait);
  }
}
