/**
 * A token bucket: holds up to `capacity`, refills continuously at capacity per `periodMs`. A take may
 * drive it below zero (a request used more tokens than reserved); later takes then wait longer.
 */
export class TokenBucket {
  private level: number;
  private last: number;

  constructor(
    readonly capacity: number,
    private readonly periodMs: number,
    private readonly now: () => number = Date.now,
  ) {
    this.level = capacity;
    this.last = now();
  }

  /** Milliseconds until `amount` can be taken (amounts above capacity wait for a full bucket). */
  waitMs(amount: number): number {
    this.refill();
    const need = Math.min(amount, this.capacity);
    if (this.level >= need) return 0;
    return Math.ceil(((need - this.level) * this.periodMs) / this.capacity);
  }

  take(amount: number): void {
    this.refill();
    this.level -= amount;
  }

  /** Gives back (positive) or charges more (negative) once the real amount is known. */
  adjust(amount: number): void {
    this.refill();
    this.level = Math.min(this.capacity, this.level + amount);
  }

  private refill(): void {
    const now = this.now();
    this.level = Math.min(this.capacity, this.level + ((now - this.last) * this.capacity) / this.periodMs);
    this.last = now;
  }
}
