import assert from 'node:assert/strict';
import fc from 'fast-check';
import { Dispatcher } from '../../../src/core/dispatcher';
import { EventBus } from '../../../src/core/events';
import { TaskGraph } from '../../../src/core/graph';
import { validatePlan } from '../../../src/core/plan';
import { RunViewModel } from '../../../src/core/run-view-model';
import { task } from '../helpers';

/**
 * Ids that name a property of every plain object (`__proto__`, `constructor`, `toString`, …), mixed
 * with ordinary and numeric-looking ones: a plan may use any string as an id.
 */
const PROTOTYPE_NAMES = Object.getOwnPropertyNames(Object.prototype);
const ID_POOL = [...PROTOTYPE_NAMES, 'search-1', 'a', '0', '10', '2'];

/** A random DAG over ids from the pool: task i may depend only on tasks before it. */
const dagArbitrary = fc
  .uniqueArray(fc.constantFrom(...ID_POOL), { minLength: 1, maxLength: ID_POOL.length })
  .chain((ids) =>
    fc.tuple(fc.constant(ids), fc.array(fc.array(fc.nat({ max: 1000 }), { maxLength: 4 }), { minLength: ids.length, maxLength: ids.length })),
  )
  .map(([ids, choices]) => ids.map((id, i) => ({ id, deps: i === 0 ? [] : [...new Set(choices[i]!.map((c) => ids[c % i]!))] })));

describe('task ids named like Object.prototype properties', () => {
  it('the graph keeps every such id as a node with its own edges', () => {
    const specs = validatePlan({
      question: 'q',
      tasks: [task('__proto__'), task('constructor', ['__proto__']), task('toString', ['constructor']), task('hasOwnProperty', ['__proto__', 'toString'])],
    }).tasks;
    const graph = new TaskGraph(specs);
    assert.deepEqual(graph.ids(), ['__proto__', 'constructor', 'toString', 'hasOwnProperty']);
    assert.ok(!graph.has('valueOf'));
    assert.deepEqual(graph.dependenciesOf('hasOwnProperty'), ['__proto__', 'toString']);
    assert.deepEqual(graph.dependentsOf('__proto__'), ['constructor', 'hasOwnProperty']);
    assert.deepEqual(graph.dependenciesOf('valueOf'), []);
    assert.deepEqual(graph.topologicalOrder(), ['__proto__', 'constructor', 'toString', 'hasOwnProperty']);
    assert.equal(graph.spec('constructor').id, 'constructor');
  });

  it('validates, runs every task once after its dependencies, and shows every task in the view', async () => {
    await fc.assert(
      fc.asyncProperty(dagArbitrary, fc.integer({ min: 1, max: 4 }), async (dag, concurrency) => {
        const plan = validatePlan({ question: 'q', tasks: dag.map((t) => task(t.id, t.deps)) });
        const runs = new Map<string, number>();
        const ended: string[] = [];
        const bus = new EventBus();
        const view = new RunViewModel({ runId: 'p', question: 'q', root: '/ws', providerLabel: 'test', concurrency });
        view.attach(bus);
        const dispatcher = new Dispatcher({
          runId: 'p',
          plan,
          bus,
          concurrency,
          executor: async (spec, context) => {
            runs.set(spec.id, (runs.get(spec.id) ?? 0) + 1);
            for (const dep of spec.dependsOn) {
              assert.ok(ended.includes(dep), `"${spec.id}" started before its dependency "${dep}" ended`);
              assert.equal(context.inputs.get(dep)?.summary, dep, `"${spec.id}" got the result of "${dep}"`);
            }
            await Promise.resolve();
            ended.push(spec.id);
            return { summary: spec.id };
          },
        });
        const summary = await dispatcher.run();
        assert.equal(summary.outcome, 'completed');
        for (const t of dag) assert.equal(runs.get(t.id), 1, `"${t.id}" ran exactly once`);
        const snapshot = view.snapshot();
        assert.deepEqual(snapshot.tasks.map((t) => t.id), dag.map((t) => t.id));
        assert.ok(snapshot.tasks.every((t) => t.state === 'COMPLETED'));
        assert.equal(snapshot.counts.COMPLETED, dag.length);
      }),
      { numRuns: Number(process.env.PROPERTY_RUNS ?? 60) },
    );
  });
});
