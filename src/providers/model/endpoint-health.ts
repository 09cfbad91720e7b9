export interface HealthOptions {
  /** Consecutive failures that take an endpoint out of service. */
  failuresBeforeOut: number;
  /** How long it stays out before one probe request may try it; doubles after a failed probe. */
  cooldownMs: number;
  maxCooldownMs: number;
}

export const DEFAULT_HEALTH: HealthOptions = { failuresBeforeOut: 3, cooldownMs: 30_000, maxCooldownMs: 5 * 60_000 };

/**
 * A circuit breaker for one endpoint (seed 000/004's LoadBalancer health): healthy until it fails
 * `failuresBeforeOut` times in a row, then out for a cooldown; after it, a single request probes it
 * (others keep away), and its success lets the endpoint back in.
 */
export class EndpointHealth {
  private failures = 0;
  private outUntil = 0;
  private probing = false;
  private cooldownMs: number;

  constructor(
    private readonly options: HealthOptions = DEFAULT_HEALTH,
    private readonly now: () => number = Date.now,
  ) {
    this.cooldownMs = options.cooldownMs;
  }

  get isOut(): boolean {
    return this.failures >= this.options.failuresBeforeOut;
  }

  /** 'yes' for a healthy endpoint, 'probe' when one request may test it now, 'no' otherwise. */
  availability(): 'yes' | 'probe' | 'no' {
    if (!this.isOut) return 'yes';
    return !this.probing && this.now() >= this.outUntil ? 'probe' : 'no';
  }

  /** Milliseconds until an out endpoint may be probed. */
  get msUntilProbe(): number {
    return this.isOut ? Math.max(0, this.outUntil - this.now()) : 0;
  }

  beginProbe(): void {
    this.probing = true;
  }

  /** The probe ended without telling anything (cancelled, rate limited before it was sent). */
  endProbe(): void {
    this.probing = false;
  }

  success(): void {
    this.failures = 0;
    this.probing = false;
    this.cooldownMs = this.options.cooldownMs;
  }

  failure(): void {
    const wasProbe = this.probing;
    this.probing = false;
    this.failures++;
    if (!this.isOut) return;
    if (wasProbe) this.cooldownMs = Math.min(this.options.maxCooldownMs, this.cooldownMs * 2);
    this.outUntil = this.now() + this.cooldownMs;
  }
}
