import assert from 'node:assert/strict';
import { Dispatcher } from '../../../src/core/dispatcher';
import { PermanentError, RetryableError } from '../../../src/core/errors';
import { EventBus, type DispatcherEvents } from '../../../src/core/events';
import { PlanValidationError } from '../../../src/core/plan';
import { withSimulation } from '../../../src/core/simulate';
import { eventually } from '../../support/eventually';
import { ControlledExecutor, planOf, task } from '../helpers';

function recordStates(bus: EventBus): DispatcherEvents['task:state'][] {
  const events: DispatcherEvents['task:state'][] = [];
  bus.on('task:state', (e) => events.push(e));
  return events;
}

const noDelay = { baseDelayMs: 1, maxDelayMs: 2 };

describe('dispatcher', () => {
  it('starts a task as soon as its own dependencies are done, not when its level is', async () => {
    // a1 → a2 is a fast chain; b is slow. a2 must start while b still runs.
    const exec = new ControlledExecutor();
    const d = new Dispatcher({ runId: 'r', plan: planOf([task('a1'), task('b'), task('a2', ['a1'])]), executor: exec.execute, concurrency: 4 });
    const done = d.run();
    await eventually("exec.isRunning('a1') && exec.isRunning('b')", () => exec.isRunning('a1') && exec.isRunning('b'));
    exec.resolve('a1');
    await eventually('a2 to start while b is still running', () => exec.isRunning('a2'), 2000);
    assert.ok(exec.isRunning('b'));
    exec.resolve('a2');
    exec.resolve('b');
    const summary = await done;
    assert.equal(summary.outcome, 'completed');
  });

  it('orders ready tasks by remaining critical path, then priority', async () => {
    const exec = new ControlledExecutor();
    const plan = planOf([
      task('short', [], { priority: 10 }),
      task('long', []),
      task('long2', ['long']),
      task('long3', ['long2']),
      task('low', [], { priority: 1 }),
      task('high', [], { priority: 9 }),
    ]);
    const d = new Dispatcher({ runId: 'r', plan, executor: exec.execute, concurrency: 1 });
    const done = d.run();
    const order: string[] = [];
    while (order.length < 6) {
      await eventually('exec.active === 1', () => exec.active === 1);
      const id = exec.started[exec.started.length - 1]!;
      order.push(id);
      exec.resolve(id);
      await eventually('exec.active === 1 || order.length === 6', () => exec.active === 1 || order.length === 6);
    }
    await done;
    assert.deepEqual(order.slice(0, 1), ['long'], 'the head of the longest chain goes first');
    assert.deepEqual(order.slice(1, 2), ['long2']);
    assert.deepEqual(
      order.filter((id) => ['short', 'high', 'low'].includes(id)),
      ['short', 'high', 'low'],
      'among equal ranks, higher priority first',
    );
  });

  it('never runs more than the limit, and a raised limit takes effect during the run', async () => {
    const exec = new ControlledExecutor();
    const plan = planOf(Array.from({ length: 8 }, (_, i) => task(`t${i}`)));
    const d = new Dispatcher({ runId: 'r', plan, executor: exec.execute, concurrency: 2 });
    const done = d.run();
    await eventually('exec.active === 2', () => exec.active === 2);
    await new Promise((r) => setTimeout(r, 20));
    assert.equal(exec.active, 2, 'the limit holds');
    d.setConcurrency(5);
    await eventually('five running after raising the limit', () => exec.active === 5, 2000);
    for (let i = 0; i < 8; i++) {
      await eventually('exec.isRunning(`t${i}`)', () => exec.isRunning(`t${i}`));
      exec.resolve(`t${i}`);
    }
    await done;
    assert.equal(exec.maxActive, 5);
  });

  it('retries retryable errors with backoff, showing RETRYING, and completes', async () => {
    const bus = new EventBus();
    const states = recordStates(bus);
    const retries: number[] = [];
    bus.on('task:retry', (e) => retries.push(e.attempt));
    let calls = 0;
    const d = new Dispatcher({
      runId: 'r',
      plan: planOf([task('a')]),
      bus,
      retry: { ...noDelay, maxRetries: 3 },
      executor: async () => {
        calls++;
        if (calls < 3) throw Object.assign(new Error('busy'), { status: 503 });
        return { summary: 'ok' };
      },
    });
    const summary = await d.run();
    assert.equal(summary.outcome, 'completed');
    assert.equal(calls, 3);
    assert.deepEqual(retries, [1, 2]);
    assert.equal(states.filter((s) => s.to === 'RETRYING').length, 2);
    assert.equal(summary.stats.retries, 2);
    assert.equal(summary.stats.attempts, 3);
  });

  it('does not retry a permanent error, and stops after maxRetries', async () => {
    let permanentCalls = 0;
    let flakyCalls = 0;
    const d = new Dispatcher({
      runId: 'r',
      plan: planOf([task('p'), task('f')]),
      retry: { ...noDelay, maxRetries: 2 },
      executor: async (spec) => {
        if (spec.id === 'p') {
          permanentCalls++;
          throw new PermanentError('bad request');
        }
        flakyCalls++;
        throw new RetryableError('still down');
      },
    });
    const summary = await d.run();
    assert.equal(permanentCalls, 1);
    assert.equal(flakyCalls, 3, 'one attempt plus two retries');
    assert.equal(summary.outcome, 'failed');
    assert.match(d.task('f')!.reason!, /still down \(after 3 attempts\)/);
  });

  it('honours Retry-After from the error', async () => {
    const bus = new EventBus();
    const delays: number[] = [];
    bus.on('task:retry', (e) => delays.push(e.delayMs));
    let calls = 0;
    const d = new Dispatcher({
      runId: 'r',
      plan: planOf([task('a')]),
      bus,
      retry: { ...noDelay, maxRetries: 1, maxRetryAfterMs: 80 },
      executor: async () => {
        if (++calls === 1) throw Object.assign(new Error('slow down'), { status: 429, headers: { 'retry-after-ms': '50' } });
        return { summary: 'ok' };
      },
    });
    assert.equal((await d.run()).outcome, 'completed');
    assert.deepEqual(delays, [50], 'the 50 ms asked for, within the cap of 80 ms');
  });

  it('fails a task at once when Retry-After asks for longer than the cap, naming both', async () => {
    let calls = 0;
    const d = new Dispatcher({
      runId: 'r',
      plan: planOf([task('a')]),
      retry: { ...noDelay, maxRetries: 3, maxRetryAfterMs: 60_000 },
      executor: async () => {
        calls++;
        throw Object.assign(new Error('slow down'), { status: 429, headers: { 'retry-after': '3600' } });
      },
    });
    const summary = await d.run();
    assert.equal(summary.outcome, 'failed');
    assert.equal(calls, 1);
    assert.match(summary.tasks[0]!.reason ?? '', /wait 3600 s before trying again, longer than the 60 s this run waits at most/);
  });

  it('a task backing off before a retry gives up its slot to independent work', async () => {
    const exec = new ControlledExecutor();
    const d = new Dispatcher({
      runId: 'r',
      plan: planOf([task('flaky', [], { priority: 9 }), task('other')]),
      executor: exec.execute,
      concurrency: 1,
      retry: { maxRetries: 1, maxRetryAfterMs: 60_000 },
    });
    const done = d.run();
    await eventually("exec.isRunning('flaky')", () => exec.isRunning('flaky'));
    exec.reject('flaky', new RetryableError('slow down', 150));
    await eventually('the other task to use the free slot', () => exec.isRunning('other'), 2000);
    assert.equal(d.task('flaky')!.state, 'RETRYING');
    exec.resolve('other');
    await eventually('the retry after its backoff', () => exec.isRunning('flaky'), 2000);
    exec.resolve('flaky');
    const summary = await done;
    assert.equal(summary.outcome, 'completed');
    assert.equal(exec.maxActive, 1);
    assert.deepEqual(exec.started, ['flaky', 'other', 'flaky']);
  });

  it('times out an attempt and retries it', async () => {
    let calls = 0;
    const d = new Dispatcher({
      runId: 'r',
      plan: planOf([task('a')]),
      taskTimeoutMs: 30,
      retry: { ...noDelay, maxRetries: 1 },
      executor: (_spec, ctx) => {
        calls++;
        return new Promise((_resolve, reject) => ctx.signal.addEventListener('abort', () => reject(ctx.signal.reason)));
      },
    });
    const summary = await d.run();
    assert.equal(calls, 2);
    assert.equal(summary.outcome, 'failed');
    assert.match(d.task('a')!.reason!, /timed out after 0\.0 s \(after 2 attempts\)/);
  });

  it('cuts a backoff sleep short when the run is cancelled', async () => {
    const controller = new AbortController();
    const d = new Dispatcher({
      runId: 'r',
      plan: planOf([task('a')]),
      signal: controller.signal,
      retry: { maxRetries: 5, baseDelayMs: 60_000, maxDelayMs: 60_000 },
      random: () => 1,
      executor: async () => {
        throw new RetryableError('down');
      },
    });
    const done = d.run();
    await eventually("d.task('a')!.state === 'RETRYING'", () => d.task('a')!.state === 'RETRYING');
    const cancelledAt = Date.now();
    controller.abort();
    const summary = await done;
    assert.ok(Date.now() - cancelledAt < 1000, 'the minute-long backoff ended at once');
    assert.equal(summary.outcome, 'cancelled');
    assert.equal(d.task('a')!.state, 'CANCELLED');
  });

  it('a failed task ends its dependents with a reason naming it; independent work goes on', async () => {
    const d = new Dispatcher({
      runId: 'r',
      plan: planOf([task('bad'), task('good'), task('child', ['bad']), task('grandchild', ['child']), task('other', ['good'])]),
      retry: { maxRetries: 0 },
      executor: async (spec) => {
        if (spec.id === 'bad') throw new Error('no such file');
        return { summary: spec.id };
      },
    });
    const summary = await d.run();
    assert.equal(summary.outcome, 'partial');
    assert.equal(d.task('bad')!.state, 'FAILED');
    assert.equal(d.task('bad')!.reason, 'no such file');
    assert.equal(d.task('child')!.state, 'CANCELLED');
    assert.match(d.task('child')!.reason!, /"bad", which it needs, failed/);
    assert.match(d.task('grandchild')!.reason!, /"bad", which it needs, failed/);
    assert.equal(d.task('other')!.state, 'COMPLETED');
  });

  it('cancelling a task aborts it and cancels its subtasks and dependents, nothing else', async () => {
    const exec = new ControlledExecutor();
    const plan = planOf([
      task('a'),
      task('a-sub', [], { parent: 'a' }),
      task('after-a', ['a']),
      task('after-sub', ['a-sub']),
      task('b'),
    ]);
    const d = new Dispatcher({ runId: 'r', plan, executor: exec.execute, concurrency: 4 });
    const done = d.run();
    await eventually("exec.isRunning('a') && exec.isRunning('a-sub') && exec.isRunning('b')", () => exec.isRunning('a') && exec.isRunning('a-sub') && exec.isRunning('b'));
    const cancelled = d.cancelTask('a');
    assert.deepEqual(new Set(cancelled), new Set(['a', 'a-sub', 'after-a', 'after-sub']));
    await eventually('in-flight attempts to be aborted', () => !exec.isRunning('a') && !exec.isRunning('a-sub'), 2000);
    assert.ok(exec.isRunning('b'), 'unrelated work goes on');
    exec.resolve('b');
    const summary = await done;
    assert.equal(summary.outcome, 'partial');
    assert.equal(d.task('b')!.state, 'COMPLETED');
    assert.match(d.task('after-a')!.reason!, /"a", which it needs, was cancelled/);
  });

  it('cancelling the run aborts in-flight work, starts nothing new and settles every task', async () => {
    const exec = new ControlledExecutor();
    const plan = planOf(Array.from({ length: 10 }, (_, i) => task(`t${i}`, i > 0 ? [`t${i - 1}`] : [])).concat([task('x'), task('y')]));
    const d = new Dispatcher({ runId: 'r', plan, executor: exec.execute, concurrency: 2 });
    const done = d.run();
    await eventually('exec.active === 2', () => exec.active === 2);
    const startedBefore = exec.started.length;
    d.cancel();
    const summary = await done;
    assert.equal(exec.active, 0, 'nothing is left running');
    assert.equal(exec.started.length, startedBefore, 'no new attempt started after cancel');
    assert.equal(summary.outcome, 'cancelled');
    assert.equal(summary.stats.byState.CANCELLED, 12);
  });

  it('retryTask queues a failed task again with the dependents it blocked', async () => {
    const exec = new ControlledExecutor();
    const d = new Dispatcher({
      runId: 'r',
      plan: planOf([task('a'), task('b', ['a']), task('keepalive')]),
      executor: exec.execute,
      retry: { maxRetries: 0 },
    });
    const done = d.run();
    await eventually("exec.isRunning('a') && exec.isRunning('keepalive')", () => exec.isRunning('a') && exec.isRunning('keepalive'));
    exec.reject('a', new Error('boom'));
    await eventually("d.task('b')!.state === 'CANCELLED'", () => d.task('b')!.state === 'CANCELLED');
    assert.deepEqual(d.retryTask('a'), ['a', 'b']);
    await eventually("exec.isRunning('a')", () => exec.isRunning('a'));
    exec.resolve('a');
    await eventually("exec.isRunning('b')", () => exec.isRunning('b'));
    exec.resolve('b');
    exec.resolve('keepalive');
    const summary = await done;
    assert.equal(summary.outcome, 'completed');
    assert.equal(d.task('a')!.attempts, 2);
  });

  it('replans mid-run: completed work and results are kept, obsolete tasks dropped, new ones run', async () => {
    const exec = new ControlledExecutor();
    const bus = new EventBus();
    const replans: DispatcherEvents['run:replan'][] = [];
    bus.on('run:replan', (e) => replans.push(e));
    const d = new Dispatcher({
      runId: 'r',
      bus,
      plan: planOf([task('s1'), task('s2'), task('old', ['s1']), task('syn', ['old', 's2'], { kind: 'synthesize' })]),
      executor: exec.execute,
      concurrency: 1,
    });
    const done = d.run();
    await eventually("exec.isRunning('s1')", () => exec.isRunning('s1'));
    exec.resolve('s1', 'found s1');
    await eventually("exec.isRunning('old') || exec.isRunning('s2')", () => exec.isRunning('old') || exec.isRunning('s2'));
    const runningNow = exec.isRunning('old') ? 'old' : 's2';
    const result = await d.replan(async (current) => {
      assert.ok(current.some((t) => t.spec.id === 's1' && t.state === 'COMPLETED'));
      return planOf([task('s2'), task('s3'), task('syn2', ['s1', 's2', 's3'], { kind: 'synthesize' })]);
    });
    assert.deepEqual(result.added, ['s3', 'syn2']);
    assert.ok(result.dropped.includes('syn'));
    assert.equal(replans.length, 1);
    assert.equal(d.task('s1')!.result!.summary, 'found s1', 'the finished result is kept');
    if (runningNow === 'old') assert.equal(d.task('old')!.state, 'CANCELLED');
    for (const id of ['s2', 's3', 'syn2']) {
      await eventually(`${id} to run`, () => exec.isRunning(id), 2000);
      exec.resolve(id);
    }
    const summary = await done;
    assert.equal(exec.started.filter((id) => id === 's1').length, 1, 's1 did not run again');
    assert.equal(d.task('syn2')!.state, 'COMPLETED');
    assert.equal(summary.outcome, 'partial', 'the dropped tasks are reported as not completed');
  });

  it('an invalid replan changes nothing and says why', async () => {
    const exec = new ControlledExecutor();
    const d = new Dispatcher({ runId: 'r', plan: planOf([task('a'), task('b', ['a'])]), executor: exec.execute });
    const done = d.run();
    await eventually("exec.isRunning('a')", () => exec.isRunning('a'));
    await assert.rejects(
      d.replan(planOf([task('a'), task('c', ['d']), task('d', ['c'])])),
      (e: unknown) => e instanceof PlanValidationError && /"c"/.test(e.message) && /cycle/.test(e.message),
    );
    assert.deepEqual(d.plan().tasks.map((t) => t.id), ['a', 'b']);
    exec.resolve('a');
    await eventually("exec.isRunning('b')", () => exec.isRunning('b'));
    exec.resolve('b');
    assert.equal((await done).outcome, 'completed');
  });

  it('reports statistics: counts, durations, critical path and makespan', async () => {
    const plan = planOf([
      task('a', [], { simulate: { ms: 30 } }),
      task('b', ['a'], { simulate: { ms: 30 } }),
      task('c', [], { simulate: { ms: 5 } }),
    ]);
    const d = new Dispatcher({ runId: 'r', plan, executor: withSimulation(), concurrency: 2 });
    const { stats } = await d.run();
    assert.equal(stats.byState.COMPLETED, 3);
    assert.deepEqual(stats.criticalPath, ['a', 'b']);
    assert.ok(stats.criticalPathMs >= 55, `critical path ${stats.criticalPathMs} ms`);
    assert.ok(stats.makespanMs >= stats.criticalPathMs - 5);
    assert.ok(stats.lowerBoundMs >= stats.criticalPathMs);
    assert.equal(stats.tasks.length, 3);
  });

  it('a throwing event handler does not break the run', async () => {
    const errors: unknown[] = [];
    const bus = new EventBus((e) => errors.push(e));
    bus.on('task:state', () => {
      throw new Error('view bug');
    });
    const d = new Dispatcher({ runId: 'r', plan: planOf([task('a')]), bus, executor: async () => ({ summary: 'ok' }) });
    assert.equal((await d.run()).outcome, 'completed');
    assert.ok(errors.length > 0);
  });

  it('leaves behind an executor that ignores its abort signal instead of hanging', async () => {
    const controller = new AbortController();
    const d = new Dispatcher({
      runId: 'r',
      plan: planOf([task('stubborn')]),
      signal: controller.signal,
      abandonAfterMs: 20,
      executor: () => new Promise(() => undefined),
    });
    const done = d.run();
    await eventually("d.task('stubborn')!.state === 'RUNNING'", () => d.task('stubborn')!.state === 'RUNNING');
    controller.abort();
    assert.equal((await done).outcome, 'cancelled');
  });

  it('runs a 10,000-task chain without overflowing the stack', async () => {
    const n = 10_000;
    const plan = planOf(Array.from({ length: n }, (_, i) => task(`t${i}`, i > 0 ? [`t${i - 1}`] : [])));
    const d = new Dispatcher({ runId: 'r', plan, maxTasks: n, executor: async () => ({ summary: '' }) });
    const summary = await d.run();
    assert.equal(summary.stats.byState.COMPLETED, n);
    assert.equal(summary.stats.criticalPath.length, n);
  });
});
