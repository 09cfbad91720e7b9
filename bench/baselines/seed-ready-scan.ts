/**
 * Seed 000's readiness test without the level barrier: after EVERY task that finishes, call the seed's
 * `DependencyGraph.get_ready_tasks(completed)` (chapter 4, "4.3.3 依賴關係識別" and "4.5.1 完整實作")
 * and start what it returns that has not started yet, under an `asyncio.Semaphore`-style limit.
 *
 * This is the seed's scan used the way an event-driven scheduler would use it, so that its cost — one
 * pass over all n tasks per completion, O(n·(n + e)) for a run — shows apart from the cost of waiting
 * for whole levels (seed-level-batches.ts).
 */
import type { TaskSpec } from '../../src/core/plan';
import { type BaselineExecutor, type BaselineOptions, type BaselineResult, Semaphore, SeedDependencyGraph } from './seed-graph';

export function runSeedReadyScan(tasks: readonly TaskSpec[], execute: BaselineExecutor, options: BaselineOptions): Promise<BaselineResult> {
  const graph = SeedDependencyGraph.fromTasks(tasks);
  const byId = new Map(tasks.map((t) => [t.id, t]));
  const semaphore = new Semaphore(options.concurrency);
  const completed = new Set<string>();
  const failed = new Set<string>();
  const started = new Set<string>();
  let running = 0;

  return new Promise((resolve) => {
    const finish = () => resolve({ completed: completed.size, failed: failed.size, notRun: tasks.length - completed.size - failed.size });
    const tick = () => {
      if (!options.stopped?.()) {
        for (const taskId of graph.getReadyTasks(completed)) {
          if (started.has(taskId) || failed.has(taskId)) continue;
          started.add(taskId);
          running++;
          void semaphore
            .with(async () => {
              if (options.stopped?.()) return;
              try {
                await execute(byId.get(taskId)!);
                completed.add(taskId);
              } catch {
                failed.add(taskId);
              }
            })
            .finally(() => {
              running--;
              tick();
            });
        }
      }
      if (running === 0) finish();
    };
    tick();
  });
}
