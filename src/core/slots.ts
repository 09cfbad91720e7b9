/**
 * A counting semaphore whose waiters leave the line when their signal aborts: first come, first served,
 * so a long line cannot starve anyone. Used for an endpoint's requests in flight and a worker's tasks.
 */
export class Slots {
  private used = 0;
  private readonly line: Array<() => void> = [];

  /** `capacity` is read on every decision, so a limit changed at run time applies at once. */
  constructor(private readonly capacity: () => number) {}

  get inUse(): number {
    return this.used;
  }

  get waiting(): number {
    return this.line.length;
  }

  /** Whether `acquire` would have to wait. */
  get full(): boolean {
    return this.used >= this.capacity() || this.line.length > 0;
  }

  acquire(signal: AbortSignal): Promise<void> {
    signal.throwIfAborted();
    if (!this.full) {
      this.used++;
      return Promise.resolve();
    }
    return new Promise<void>((resolve, reject) => {
      const grant = () => {
        signal.removeEventListener('abort', onAbort);
        this.used++;
        resolve();
      };
      const onAbort = () => {
        const index = this.line.indexOf(grant);
        if (index >= 0) this.line.splice(index, 1);
        reject(signal.reason);
      };
      signal.addEventListener('abort', onAbort, { once: true });
      this.line.push(grant);
    });
  }

  release(): void {
    this.used--;
    while (this.used < this.capacity() && this.line.length > 0) this.line.shift()!();
  }
}
