import * as assert from 'node:assert/strict';
import type { TaskSpec } from '../../../src/core/plan';
import { runPLimitTopological } from '../../../bench/baselines/plimit-topo';
import { SeedDependencyGraph, type BaselineExecutor, type BaselineOptions, type BaselineResult } from '../../../bench/baselines/seed-graph';
import { runSeedLevelBatches } from '../../../bench/baselines/seed-level-batches';
import { runSeedReadyScan } from '../../../bench/baselines/seed-ready-scan';
import { randomDag } from '../../../bench/support/dag';

type Baseline = (tasks: readonly TaskSpec[], execute: BaselineExecutor, options: BaselineOptions) => Promise<BaselineResult>;

const BASELINES: [string, Baseline][] = [
  ['seed level-synchronous batches', runSeedLevelBatches],
  ['seed ready scan per completion', runSeedReadyScan],
  ['p-limit over a topological order', runPLimitTopological],
];

/** Runs tasks that take a few macrotask turns each, recording order and overlap. */
function recorder(fail: ReadonlySet<string> = new Set()) {
  const started: string[] = [];
  const ended = new Set<string>();
  const violations: string[] = [];
  let active = 0;
  let maxActive = 0;
  const byId = new Map<string, TaskSpec>();
  const execute: BaselineExecutor = async (task) => {
    byId.set(task.id, task);
    for (const dep of task.dependsOn) if (!ended.has(dep)) violations.push(`${task.id} started before ${dep} ended`);
    if (started.includes(task.id)) violations.push(`${task.id} ran twice`);
    started.push(task.id);
    active++;
    maxActive = Math.max(maxActive, active);
    await new Promise((resolve) => setImmediate(resolve));
    active--;
    if (fail.has(task.id)) throw new Error(`${task.id} fails`);
    ended.add(task.id);
  };
  return { execute, started, violations, get maxActive() { return maxActive; } };
}

describe('bench: baseline schedulers', () => {
  for (const [name, run] of BASELINES) {
    describe(name, () => {
      it('runs every task once, after its dependencies, never more than the limit at once', async () => {
        const tasks = randomDag({ n: 300, seed: 17 });
        const r = recorder();
        const result = await run(tasks, r.execute, { concurrency: 4 });
        assert.deepEqual(result, { completed: 300, failed: 0, notRun: 0 });
        assert.deepEqual(r.violations, []);
        assert.equal(new Set(r.started).size, 300);
        assert.ok(r.maxActive <= 4 && r.maxActive > 1, `max active ${r.maxActive}`);
      });

      it('does not run what depends on a failed task, and runs the rest', async () => {
        const tasks: TaskSpec[] = ['a', 'b', 'c', 'd'].map((id) => ({ id, kind: 'search', description: id, dependsOn: [], priority: 5 }));
        tasks[2]!.dependsOn = ['a'];
        tasks[3]!.dependsOn = ['c'];
        const r = recorder(new Set(['a']));
        const result = await run(tasks, r.execute, { concurrency: 2 });
        assert.deepEqual(result, { completed: 1, failed: 1, notRun: 2 });
        assert.deepEqual([...r.started].sort(), ['a', 'b']);
      });

      it('starts nothing once stopped', async () => {
        const tasks = randomDag({ n: 50, seed: 2 });
        let stopped = false;
        const r = recorder();
        const execute: BaselineExecutor = async (task) => {
          await r.execute(task);
          if (r.started.length >= 5) stopped = true;
        };
        const result = await run(tasks, execute, { concurrency: 1, stopped: () => stopped });
        assert.equal(r.started.length, 5);
        assert.equal(result.notRun, 45);
      });
    });
  }

  it("the seed's ready scan returns exactly the unfinished tasks whose dependencies are all complete", () => {
    const graph = new SeedDependencyGraph();
    graph.addTask('a');
    graph.addTask('b', ['a']);
    graph.addTask('c', ['a', 'b']);
    graph.addTask('d');
    assert.deepEqual(graph.getReadyTasks(new Set()), ['a', 'd']);
    assert.deepEqual(graph.getReadyTasks(new Set(['a'])), ['b', 'd']);
    assert.deepEqual(graph.getReadyTasks(new Set(['a', 'b', 'd'])), ['c']);
    assert.deepEqual(graph.getExecutionOrder(), ['a', 'd', 'b', 'c']);
    graph.addTask('a', ['c']);
    assert.throws(() => graph.getExecutionOrder(), /Circular dependency/);
  });
});
