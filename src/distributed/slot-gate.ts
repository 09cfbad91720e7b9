import { Slots } from '../core/slots';

/**
 * One worker process runs at most `slots` tasks at once across all its capability queues. BullMQ's
 * concurrency is per queue, so each queue's concurrency is kept at what it holds plus the slots still
 * free: once the process is full, a queue fetches nothing more (an idle queue may still fetch one job,
 * since BullMQ's concurrency cannot be 0; that job waits here, locked, and starts at the next free slot).
 */
export class SlotGate {
  private readonly gate: Slots;
  private readonly held = new Map<string, number>();

  constructor(
    readonly slots: number,
    /** Called with each queue's new concurrency whenever it changes. */
    private readonly setConcurrency: (queue: string, concurrency: number) => void,
  ) {
    this.gate = new Slots(() => slots);
  }

  get busy(): number {
    return this.gate.inUse;
  }

  /** Registers a queue before it has any job, and gives its first concurrency. */
  add(queue: string): number {
    this.held.set(queue, this.held.get(queue) ?? 0);
    return this.concurrencyOf(queue);
  }

  /** Waits for a slot for a job of `queue`; rejects if `signal` aborts first. Pair with `release`. */
  async acquire(queue: string, signal: AbortSignal): Promise<void> {
    this.hold(queue, +1);
    try {
      await this.gate.acquire(signal);
    } catch (error) {
      this.hold(queue, -1);
      throw error;
    }
  }

  release(queue: string): void {
    this.gate.release();
    this.hold(queue, -1);
  }

  private hold(queue: string, delta: number): void {
    this.held.set(queue, Math.max(0, (this.held.get(queue) ?? 0) + delta));
    for (const name of this.held.keys()) this.setConcurrency(name, this.concurrencyOf(name));
  }

  private concurrencyOf(queue: string): number {
    const totalHeld = [...this.held.values()].reduce((a, b) => a + b, 0);
    return Math.max(1, (this.held.get(queue) ?? 0) + Math.max(0, this.slots - totalHeld));
  }
}
