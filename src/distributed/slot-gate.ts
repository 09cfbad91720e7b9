/**
 * One worker process runs at most `slots` tasks at once across all its capability queues. BullMQ's
 * concurrency is per queue, so each queue's concurrency is kept at what it holds plus the slots still
 * free: once the process is full, a queue fetches nothing more (an idle queue may still fetch one job,
 * since BullMQ's concurrency cannot be 0; that job waits here, locked, and starts at the next free slot).
 */
export class SlotGate {
  private running = 0;
  private readonly waiters: Array<() => void> = [];
  private readonly held = new Map<string, number>();

  constructor(
    readonly slots: number,
    /** Called with each queue's new concurrency whenever it changes. */
    private readonly setConcurrency: (queue: string, concurrency: number) => void,
  ) {}

  get busy(): number {
    return this.running;
  }

  /** Waits for a slot for a job of `queue`; rejects if `signal` aborts first. Pair with `release`. */
  async acquire(queue: string, signal: AbortSignal): Promise<void> {
    this.held.set(queue, (this.held.get(queue) ?? 0) + 1);
    this.rebalance();
    try {
      await this.slot(signal);
    } catch (error) {
      this.drop(queue);
      throw error;
    }
  }

  release(queue: string): void {
    this.running--;
    this.drop(queue);
    this.waiters.shift()?.();
  }

  /** Registers a queue before it has any job, so it gets its first concurrency. */
  add(queue: string): number {
    this.held.set(queue, this.held.get(queue) ?? 0);
    return this.concurrencyOf(queue);
  }

  private slot(signal: AbortSignal): Promise<void> {
    signal.throwIfAborted();
    if (this.running < this.slots) {
      this.running++;
      return Promise.resolve();
    }
    return new Promise((resolve, reject) => {
      const grant = () => {
        signal.removeEventListener('abort', onAbort);
        this.running++;
        resolve();
      };
      const onAbort = () => {
        const index = this.waiters.indexOf(grant);
        if (index >= 0) this.waiters.splice(index, 1);
        reject(signal.reason);
      };
      signal.addEventListener('abort', onAbort, { once: true });
      this.waiters.push(grant);
    });
  }

  private drop(queue: string): void {
    this.held.set(queue, Math.max(0, (this.held.get(queue) ?? 0) - 1));
    this.rebalance();
  }

  private concurrencyOf(queue: string): number {
    const totalHeld = [...this.held.values()].reduce((a, b) => a + b, 0);
    return Math.max(1, (this.held.get(queue) ?? 0) + Math.max(0, this.slots - totalHeld));
  }

  private rebalance(): void {
    for (const queue of this.held.keys()) this.setConcurrency(queue, this.concurrencyOf(queue));
  }
}
