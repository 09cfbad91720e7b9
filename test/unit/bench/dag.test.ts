import * as assert from 'node:assert/strict';
import { validatePlan } from '../../../src/core/plan';
import { depthOf, planOf, plannedLowerBound, randomDag } from '../../../bench/support/dag';
import { mulberry32 } from '../../support/rng';
import { percentile, summarize } from '../../../bench/support/measure';

describe('bench: seeded random DAGs', () => {
  it('mulberry32 repeats its sequence for a seed and stays in [0, 1)', () => {
    const a = mulberry32(42);
    const b = mulberry32(42);
    const values = Array.from({ length: 1000 }, () => a());
    assert.deepEqual(values, Array.from({ length: 1000 }, () => b()));
    assert.ok(values.every((v) => v >= 0 && v < 1));
    assert.notDeepEqual(values.slice(0, 10), Array.from({ length: 10 }, mulberry32(43)));
  });

  it('gives the same graph for the same seed and another for another seed', () => {
    assert.deepEqual(randomDag({ n: 300, seed: 5 }), randomDag({ n: 300, seed: 5 }));
    assert.notDeepEqual(randomDag({ n: 300, seed: 5 }), randomDag({ n: 300, seed: 6 }));
  });

  it('is a valid plan: acyclic, known and distinct dependencies, at most maxDeps each, inside the window', () => {
    const tasks = randomDag({ n: 2000, seed: 9, maxDeps: 4, window: 50 });
    validatePlan(planOf(tasks), { maxTasks: tasks.length });
    tasks.forEach((task, i) => {
      assert.ok(task.dependsOn.length <= 4);
      assert.equal(new Set(task.dependsOn).size, task.dependsOn.length);
      for (const dep of task.dependsOn) {
        const j = Number(dep.slice(1));
        assert.ok(j < i && j >= i - 50, `${task.id} depends on ${dep}`);
      }
    });
    assert.ok(tasks.some((t) => t.dependsOn.length > 0));
  });

  it('draws simulated durations inside the range', () => {
    const tasks = randomDag({ n: 500, seed: 3, durationMs: { min: 10, max: 200 } });
    assert.ok(tasks.every((t) => t.simulate !== undefined && t.simulate.ms >= 10 && t.simulate.ms <= 200 && t.simulate.failTimes === 0));
  });

  it('computes the lower bound max(critical path, work ÷ concurrency) and the depth', () => {
    const sim = (ms: number) => ({ ms, failTimes: 0 });
    const tasks = [
      { id: 'a', kind: 'search' as const, description: 'a', dependsOn: [], priority: 5, simulate: sim(100) },
      { id: 'b', kind: 'search' as const, description: 'b', dependsOn: [], priority: 5, simulate: sim(10) },
      { id: 'c', kind: 'search' as const, description: 'c', dependsOn: ['a', 'b'], priority: 5, simulate: sim(50) },
      { id: 'd', kind: 'search' as const, description: 'd', dependsOn: [], priority: 5, simulate: sim(40) },
    ];
    assert.deepEqual(plannedLowerBound(tasks, 1), { criticalPathMs: 150, totalWorkMs: 200, lowerBoundMs: 200 });
    assert.deepEqual(plannedLowerBound(tasks, 4), { criticalPathMs: 150, totalWorkMs: 200, lowerBoundMs: 150 });
    assert.equal(depthOf(tasks), 2);
  });

  it('summarizes repeated measurements by median and range', () => {
    assert.deepEqual(summarize([5, 1, 3]), { median: 3, min: 1, max: 5, runs: 3 });
    assert.equal(percentile([1, 2, 3, 4], 50), 2.5);
    assert.equal(percentile([1, 2, 3, 4], 100), 4);
    assert.ok(Number.isNaN(summarize([]).median));
  });
});
