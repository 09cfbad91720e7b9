/**
 * The plain way to run a DAG with `p-limit`: walk a topological order once, and give each task a
 * promise that awaits its dependencies' promises and then takes a p-limit slot. No states, no events,
 * no priorities: the least a correct DAG runner can do, and so the floor for scheduling overhead.
 * A task whose dependency failed does not run.
 */
import pLimit from 'p-limit';
import type { TaskSpec } from '../../src/core/plan';
import { type BaselineExecutor, type BaselineOptions, type BaselineResult, SeedDependencyGraph } from './seed-graph';

export async function runPLimitTopological(
  tasks: readonly TaskSpec[],
  execute: BaselineExecutor,
  options: BaselineOptions,
): Promise<BaselineResult> {
  const limit = pLimit(options.concurrency);
  const byId = new Map(tasks.map((t) => [t.id, t]));
  const order = SeedDependencyGraph.fromTasks(tasks).getExecutionOrder();
  const done = new Map<string, Promise<boolean>>();
  let completed = 0;
  let failed = 0;
  for (const id of order) {
    const task = byId.get(id)!;
    const deps = task.dependsOn.map((d) => done.get(d)!);
    done.set(
      id,
      Promise.all(deps).then((ok) =>
        ok.every(Boolean) && !options.stopped?.()
          ? limit(async () => {
              if (options.stopped?.()) return false;
              try {
                await execute(task);
                completed++;
                return true;
              } catch {
                failed++;
                return false;
              }
            })
          : false,
      ),
    );
  }
  await Promise.all(done.values());
  return { completed, failed, notRun: tasks.length - completed - failed };
}
