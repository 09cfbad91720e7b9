import assert from 'node:assert/strict';
import { criticalPath, findCycle } from '../../../src/core/graph-algorithms';
import { TaskGraph } from '../../../src/core/graph';
import { planOf, task } from '../helpers';

describe('task graph', () => {
  it('orders a 10,000-task chain topologically without recursion', () => {
    const n = 10_000;
    const plan = planOf(Array.from({ length: n }, (_, i) => task(`t${i}`, i === 0 ? [] : [`t${i - 1}`])));
    const graph = new TaskGraph([...plan.tasks].reverse());
    const order = graph.topologicalOrder();
    assert.equal(order.length, n);
    assert.equal(order[0], 't0');
    assert.equal(order[n - 1], `t${n - 1}`);
    const ranks = graph.upwardRanks();
    assert.equal(ranks.get('t0'), n, 'the head of the chain has the whole chain ahead of it');
    assert.equal(graph.transitiveDependents('t0').length, n - 1);
  });

  it('ranks by remaining critical path, using simulated durations as costs', () => {
    const graph = new TaskGraph(
      planOf([
        task('a', [], { simulate: { ms: 10 } }),
        task('b', ['a'], { simulate: { ms: 100 } }),
        task('c', ['a'], { simulate: { ms: 5 } }),
        task('d', ['b', 'c'], { simulate: { ms: 1 } }),
      ]).tasks,
    );
    const ranks = graph.upwardRanks();
    assert.equal(ranks.get('d'), 1);
    assert.equal(ranks.get('b'), 101);
    assert.equal(ranks.get('c'), 6);
    assert.equal(ranks.get('a'), 111);
  });

  it('finds no cycle in a DAG and the exact cycle otherwise', () => {
    const deps: Record<string, string[]> = { a: [], b: ['a'], c: ['b', 'a'] };
    assert.equal(findCycle(Object.keys(deps), (id) => deps[id]!), undefined);
    deps.a = ['c'];
    const cycle = findCycle(Object.keys(deps), (id) => deps[id]!);
    assert.ok(cycle && cycle.length >= 2, 'a cycle is found');
    // Each id on the cycle depends on the next one.
    for (let i = 0; i < cycle.length; i++) assert.ok(deps[cycle[i]!]!.includes(cycle[(i + 1) % cycle.length]!));
  });

  it('computes the critical path with its length', () => {
    const deps: Record<string, string[]> = { a: [], b: ['a'], c: ['a'], d: ['b', 'c'] };
    const cost: Record<string, number> = { a: 1, b: 5, c: 2, d: 1 };
    const result = criticalPath(['a', 'b', 'c', 'd'], (id) => deps[id]!, (id) => cost[id]!);
    assert.deepEqual(result.path, ['a', 'b', 'd']);
    assert.equal(result.length, 7);
  });
});
