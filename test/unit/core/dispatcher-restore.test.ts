import assert from 'node:assert/strict';
import { Dispatcher, RESTORED_REASON } from '../../../src/core/dispatcher';
import { EventBus, type DispatcherEvent } from '../../../src/core/events';
import type { TaskResult } from '../../../src/core/executor';
import { planOf, task } from '../helpers';

describe('Dispatcher with tasks restored as completed (resume)', () => {
  const plan = planOf([task('a'), task('b'), task('c', ['a', 'b']), task('d', ['c'])]);

  it('never runs restored tasks, hands their results to dependents, and announces them first', async () => {
    const bus = new EventBus();
    const events: DispatcherEvent[] = [];
    bus.onAny((e) => events.push(e));
    const ran: string[] = [];
    const seenInputs = new Map<string, string[]>();
    const restoredA: TaskResult = { summary: 'from the journal' };
    const dispatcher = new Dispatcher({
      runId: 'r',
      plan,
      bus,
      completed: new Map([['a', restoredA]]),
      executor: async (spec, context) => {
        ran.push(spec.id);
        seenInputs.set(spec.id, [...context.inputs.entries()].map(([id, r]) => `${id}:${r.summary}`).sort());
        return { summary: `ran ${spec.id}` };
      },
    });
    assert.equal(dispatcher.task('a')!.state, 'COMPLETED');
    const summary = await dispatcher.run();
    assert.equal(summary.outcome, 'completed');
    assert.deepEqual(ran.sort(), ['b', 'c', 'd']);
    assert.deepEqual(seenInputs.get('c'), ['a:from the journal', 'b:ran b']);
    assert.equal(summary.tasks.find((t) => t.spec.id === 'a')!.attempts, 0);

    assert.equal(events[0]!.type, 'run:start');
    assert.deepEqual(events[1], { type: 'task:state', runId: 'r', taskId: 'a', from: 'PENDING', to: 'COMPLETED', reason: RESTORED_REASON, attempt: 0, at: (events[1] as { at: number }).at });
    assert.equal(events[2]!.type, 'task:result');
    assert.equal((events[2] as { result: TaskResult }).result, restoredA);
  });

  it('ends at once as completed when every task is restored', async () => {
    const all = new Map(plan.tasks.map((t) => [t.id, { summary: t.id }]));
    const dispatcher = new Dispatcher({ runId: 'r', plan, completed: all, executor: async () => assert.fail('nothing should run') });
    const summary = await dispatcher.run();
    assert.equal(summary.outcome, 'completed');
    assert.equal(summary.stats.byState.COMPLETED, 4);
  });

  it('refuses to restore a task the plan does not have', () => {
    assert.throws(
      () => new Dispatcher({ runId: 'r', plan, completed: new Map([['zz', { summary: '' }]]), executor: async () => ({ summary: '' }) }),
      /cannot restore task "zz": it is not in the plan/,
    );
  });

  it('a restored task stays completed through a replan that leaves it out', async () => {
    const dispatcher = new Dispatcher({ runId: 'r', plan: planOf([task('a'), task('b', ['a'])]), completed: new Map([['a', { summary: 'kept' }]]), executor: async (s) => ({ summary: s.id }) });
    const done = dispatcher.run();
    await dispatcher.replan(planOf([task('x', ['a'])]));
    const summary = await done;
    assert.equal(summary.tasks.find((t) => t.spec.id === 'a')!.result!.summary, 'kept');
    assert.equal(summary.tasks.find((t) => t.spec.id === 'x')!.state, 'COMPLETED');
  });
});
