import assert from 'node:assert/strict';
import { RateLimitedError, RetryableError } from '../../../src/core/errors';
import { Dispatcher } from '../../../src/core/dispatcher';
import type { TaskExecutor } from '../../../src/core/executor';
import { planOf, task } from '../helpers';

const noDelay = { baseDelayMs: 0, maxDelayMs: 0 };

describe('dispatcher hooks: shouldStart, rate-limit retries', () => {
  it('a task shouldStart refuses ends CANCELLED with the reason, and its dependents still run without its result', async () => {
    const ran: string[] = [];
    const executor: TaskExecutor = async (spec, context) => {
      ran.push(spec.id);
      return { summary: `${spec.id} saw ${[...context.inputs.keys()].join(',') || 'nothing'}` };
    };
    const dispatcher = new Dispatcher({
      runId: 'r',
      plan: planOf([task('a'), task('b'), task('c', ['a', 'b'], { kind: 'analyze' }), task('w', ['a', 'b', 'c'], { kind: 'synthesize' })]),
      executor,
      concurrency: 1,
      shouldStart: (t) => (t.spec.id === 'b' || t.spec.kind === 'analyze' ? 'budget reached' : undefined),
    });
    const summary = await dispatcher.run();
    const byId = new Map(summary.tasks.map((t) => [t.spec.id, t]));
    assert.deepEqual(ran, ['a', 'w']);
    assert.equal(byId.get('b')!.state, 'CANCELLED');
    assert.equal(byId.get('b')!.reason, 'budget reached');
    assert.equal(byId.get('b')!.skipped, true);
    assert.equal(byId.get('c')!.state, 'CANCELLED');
    assert.equal(byId.get('w')!.state, 'COMPLETED');
    assert.equal(byId.get('w')!.result!.summary, 'w saw a');
    assert.equal(summary.outcome, 'partial');
  });

  it('rate-limit retries do not use up maxRetries, but are bounded by maxRateLimitRetries', async () => {
    let attempts = 0;
    const executor: TaskExecutor = async (spec) => {
      attempts++;
      if (spec.id === 'busy' && attempts <= 5) throw new RateLimitedError('slow down', 0);
      if (spec.id === 'busy' && attempts === 6) throw new RetryableError('500');
      if (spec.id === 'storm') throw new RateLimitedError('slow down', 0);
      return { summary: 'ok' };
    };
    const first = await new Dispatcher({ runId: 'r', plan: planOf([task('busy')]), executor, retry: { ...noDelay, maxRetries: 1 } }).run();
    assert.equal(first.tasks[0].state, 'COMPLETED');
    assert.equal(first.tasks[0].attempts, 7);
    attempts = 0;
    const second = await new Dispatcher({ runId: 'r', plan: planOf([task('storm')]), executor, retry: { ...noDelay, maxRetries: 1, maxRateLimitRetries: 3 } }).run();
    assert.equal(second.tasks[0].state, 'FAILED');
    assert.equal(second.tasks[0].attempts, 4);
  });
});
