import { RateLimitedError } from '../../core/errors';
import { TokenBucket } from './token-bucket';

export interface EndpointLimits {
  /** Requests in flight at once. */
  concurrency: number;
  requestsPerMinute?: number;
  tokensPerMinute?: number;
}

/** A concurrency slot with its token reservation; settle with the real usage, then release. */
export interface Lease {
  settle(actualTokens: number): void;
  release(): void;
}

interface Waiter {
  grant: () => void;
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
 */
export class EndpointLimiter {
  private inFlight = 0;
  private readonly queue: Waiter[] = [];
  private readonly requests?: TokenBucket;
  private readonly tokens?: TokenBucket;
  private pausedUntil = 0;

  constructor(
    readonly name: string,
    readonly limits: EndpointLimits,
    private readonly now: () => number = Date.now,
  ) {
    if (limits.requestsPerMinute) this.requests = new TokenBucket(limits.requestsPerMinute, MINUTE, now);
    if (limits.tokensPerMinute) this.tokens = new TokenBucket(limits.tokensPerMinute, MINUTE, now);
  }

  /** In flight and queued, per slot: 0 idle, 1 full, above 1 with requests waiting. */
  get load(): number {
    return (this.inFlight + this.queue.length) / Math.max(1, this.limits.concurrency);
  }

  get active(): number {
    return this.inFlight;
  }

  /** Milliseconds before a request of `tokens` may start by the time-based limits; 0 means now. */
  holdMs(tokens: number): number {
    return Math.max(0, this.pausedUntil - this.now(), this.requests?.waitMs(1) ?? 0, this.tokens?.waitMs(tokens) ?? 0);
  }

  /** After a 429: no request leaves for this endpoint for `ms`. */
  pause(ms: number): void {
    this.pausedUntil = Math.max(this.pausedUntil, this.now() + ms);
  }

  async acquire(estimatedTokens: number, signal: AbortSignal, onWait?: (message: string) => void): Promise<Lease> {
    this.throwIfHeld(estimatedTokens);
    if (onWait && (this.inFlight >= this.limits.concurrency || this.queue.length > 0)) {
      onWait(`waiting for a free slot on endpoint "${this.name}" (${this.inFlight} of ${this.limits.concurrency} in use, ${this.queue.length} waiting)`);
    }
    await this.slot(signal);
    try {
      // The endpoint may have been paused while this request waited for its slot.
      this.throwIfHeld(estimatedTokens);
    } catch (error) {
      this.releaseSlot();
      throw error;
    }
    this.requests?.take(1);
    this.tokens?.take(estimatedTokens);
    let released = false;
    return {
      settle: (actual) => this.tokens?.adjust(estimatedTokens - actual),
      release: () => {
        if (released) return;
        released = true;
        this.releaseSlot();
      },
    };
  }

  private throwIfHeld(tokens: number): void {
    const wait = this.holdMs(tokens);
    if (wait <= 0) return;
    const why =
      this.pausedUntil > this.now()
        ? 'asked for a pause (429)'
        : (this.requests?.waitMs(1) ?? 0) > 0
          ? `is at its limit of ${this.limits.requestsPerMinute} requests per minute`
          : `is at its limit of ${this.limits.tokensPerMinute} tokens per minute`;
    throw new RateLimitedError(`endpoint "${this.name}" ${why}`, wait);
  }

  private slot(signal: AbortSignal): Promise<void> {
    signal.throwIfAborted();
    if (this.inFlight < this.limits.concurrency && this.queue.length === 0) {
      this.inFlight++;
      return Promise.resolve();
    }
    return new Promise<void>((resolve, reject) => {
      const waiter: Waiter = {
        grant: () => {
          signal.removeEventListener('abort', onAbort);
          this.inFlight++;
          resolve();
        },
      };
      const onAbort = () => {
        const index = this.queue.indexOf(waiter);
        if (index >= 0) this.queue.splice(index, 1);
        reject(signal.reason);
      };
      signal.addEventListener('abort', onAbort, { once: true });
      this.queue.push(waiter);
    });
  }

  private releaseSlot(): void {
    this.inFlight--;
    while (this.inFlight < this.limits.concurrency && this.queue.length > 0) this.queue.shift()!.grant();
  }
}
