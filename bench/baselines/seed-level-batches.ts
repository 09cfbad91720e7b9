/**
 * Seed 000's execution loop, ported faithfully: `Dispatcher._execute_all` and `_execute_batch`
 * (chapter 4, "4.5.1 完整實作", class `Dispatcher` under "核心調度器").
 *
 *     while True:
 *         ready = self.dependency_graph.get_ready_tasks(self.completed_tasks)
 *         ready = [tid for tid in ready if tid not in self.failed_tasks]
 *         if not ready: break
 *         await self._execute_batch(ready)      # asyncio.gather over the batch, under a semaphore
 *
 * Level-synchronous: every batch waits for its slowest task before the next scan, and every scan reads
 * every task. Left out, because they are not scheduling: the LLM calls, logging, the per-task
 * `asyncio.wait_for` timeout and the retry on failure (a failed task simply joins `failed_tasks`).
 */
import type { TaskSpec } from '../../src/core/plan';
import { type BaselineExecutor, type BaselineOptions, type BaselineResult, Semaphore, SeedDependencyGraph } from './seed-graph';

export async function runSeedLevelBatches(
  tasks: readonly TaskSpec[],
  execute: BaselineExecutor,
  options: BaselineOptions,
): Promise<BaselineResult> {
  const graph = SeedDependencyGraph.fromTasks(tasks);
  const byId = new Map(tasks.map((t) => [t.id, t]));
  const semaphore = new Semaphore(options.concurrency);
  const completed = new Set<string>();
  const failed = new Set<string>();

  // `_execute_task`: run it; on success add to completed_tasks, else to failed_tasks.
  const executeTask = async (taskId: string): Promise<void> => {
    if (options.stopped?.()) return;
    try {
      await execute(byId.get(taskId)!);
      completed.add(taskId);
    } catch {
      failed.add(taskId);
    }
  };

  for (;;) {
    if (options.stopped?.()) break;
    const ready = graph.getReadyTasks(completed).filter((taskId) => !failed.has(taskId));
    if (ready.length === 0) break;
    // `_execute_batch`: asyncio.gather(*[execute_single(tid) ...], return_exceptions=True)
    await Promise.all(ready.map((taskId) => semaphore.with(() => executeTask(taskId))));
  }
  return { completed: completed.size, failed: failed.size, notRun: tasks.length - completed.size - failed.size };
}
