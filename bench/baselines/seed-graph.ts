/**
 * Ports of seed 000's scheduling pieces (chapter 4, "4.5.1 完整實作": the `DependencyGraph` class under
 * "依賴圖", and `asyncio.Semaphore` as used by `Dispatcher._execute_batch` under "核心調度器").
 * Kept as close to the Python as TypeScript allows, so the benchmarks measure the seed's algorithms,
 * not a rewrite of them.
 */
import type { TaskSpec } from '../../src/core/plan';

/** `DependencyGraph`: task id → its dependencies, and the reverse map. */
export class SeedDependencyGraph {
  readonly nodes = new Map<string, Set<string>>();
  readonly reverse = new Map<string, Set<string>>();

  /** `add_task`. */
  addTask(taskId: string, dependencies: readonly string[] = []): void {
    const deps = new Set(dependencies);
    this.nodes.set(taskId, deps);
    for (const depId of deps) {
      let dependents = this.reverse.get(depId);
      if (!dependents) this.reverse.set(depId, (dependents = new Set()));
      dependents.add(taskId);
    }
  }

  /**
   * `get_ready_tasks`: scans EVERY task and returns those not completed whose dependencies are all
   * completed (`deps.issubset(completed)`). O(n + e) per call — the cost this port exists to show.
   */
  getReadyTasks(completed: ReadonlySet<string>): string[] {
    const ready: string[] = [];
    for (const [taskId, deps] of this.nodes) {
      if (!completed.has(taskId) && isSubset(deps, completed)) ready.push(taskId);
    }
    return ready;
  }

  /** `get_execution_order`: Kahn's algorithm with `queue.pop(0)` (a read index here, as a deque would). */
  getExecutionOrder(): string[] {
    const inDegree = new Map<string, number>();
    for (const [taskId, deps] of this.nodes) inDegree.set(taskId, deps.size);
    const queue = [...inDegree].filter(([, degree]) => degree === 0).map(([taskId]) => taskId);
    for (let head = 0; head < queue.length; head++) {
      for (const dependent of this.reverse.get(queue[head]!) ?? []) {
        const degree = inDegree.get(dependent)! - 1;
        inDegree.set(dependent, degree);
        if (degree === 0) queue.push(dependent);
      }
    }
    if (queue.length !== this.nodes.size) throw new Error('Circular dependency detected!');
    return queue;
  }

  static fromTasks(tasks: readonly TaskSpec[]): SeedDependencyGraph {
    const graph = new SeedDependencyGraph();
    for (const task of tasks) graph.addTask(task.id, task.dependsOn);
    return graph;
  }
}

function isSubset(set: ReadonlySet<string>, of: ReadonlySet<string>): boolean {
  for (const item of set) if (!of.has(item)) return false;
  return true;
}

/** `asyncio.Semaphore`: FIFO waiters, O(1) acquire and release. */
export class Semaphore {
  private readonly waiters: (() => void)[] = [];
  private head = 0;

  constructor(private value: number) {}

  async acquire(): Promise<void> {
    if (this.value > 0 && this.head === this.waiters.length) {
      this.value--;
      return;
    }
    await new Promise<void>((resolve) => this.waiters.push(resolve));
  }

  release(): void {
    if (this.head < this.waiters.length) {
      const next = this.waiters[this.head]!;
      this.waiters[this.head++] = noop; // drop the reference; the array is short-lived
      next();
    } else {
      this.value++;
    }
  }

  /** `async with semaphore:` */
  async with<T>(fn: () => Promise<T>): Promise<T> {
    await this.acquire();
    try {
      return await fn();
    } finally {
      this.release();
    }
  }
}

function noop(): void {}

/** What every baseline runs per task; a rejection marks the task failed (the seed's `failed_tasks`). */
export type BaselineExecutor = (task: TaskSpec) => Promise<unknown>;

export interface BaselineOptions {
  concurrency: number;
  /** Checked before a task starts; once true, nothing new starts (the seed has no cancel; see cancel.ts). */
  stopped?: () => boolean;
}

export interface BaselineResult {
  completed: number;
  failed: number;
  /** Tasks never started (their dependencies failed, or the run was stopped). */
  notRun: number;
}
