import { Heap } from 'heap-js';
import type { Task } from './task';

/**
 * Tasks ready to run, best first: highest remaining critical path (upward rank), then highest
 * priority, then plan order. A binary heap, so push and pop cost O(log n). Entries are removed
 * lazily: a task that was cancelled or replanned while queued is skipped when popped.
 */
export class ReadyQueue {
  private readonly heap = new Heap<Task>((a, b) => this.compare(a, b));
  private ranks: ReadonlyMap<string, number> = new Map();

  constructor(
    private readonly planOrder: ReadonlyMap<string, number>,
    /** Whether a queued task may still run; others are dropped when popped. */
    private readonly isRunnable: (task: Task) => boolean,
  ) {}

  get length(): number {
    return this.heap.length;
  }

  /** New ranks (after a replan) reorder everything: rebuilds the heap from the tasks ready now. */
  reset(ranks: ReadonlyMap<string, number>, ready: Task[]): void {
    this.ranks = ranks;
    this.heap.init(ready);
  }

  push(task: Task): void {
    this.heap.push(task);
  }

  /** The best task that may still run, or undefined. */
  pop(): Task | undefined {
    for (let task = this.heap.pop(); task; task = this.heap.pop()) if (this.isRunnable(task)) return task;
    return undefined;
  }

  private compare(a: Task, b: Task): number {
    return (
      (this.ranks.get(b.id) ?? 0) - (this.ranks.get(a.id) ?? 0) ||
      b.spec.priority - a.spec.priority ||
      this.planOrder.get(a.id)! - this.planOrder.get(b.id)!
    );
  }
}
