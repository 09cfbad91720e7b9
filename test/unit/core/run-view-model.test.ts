import assert from 'node:assert/strict';
import { Dispatcher } from '../../../src/core/dispatcher';
import { RetryableError } from '../../../src/core/errors';
import { EventBus } from '../../../src/core/events';
import { RunViewModel } from '../../../src/core/run-view-model';
import type { RunViewSnapshot } from '../../../src/core/run-view';
import { ALL_STATES } from '../../../src/core/task-state';
import { eventually } from '../../support/eventually';
import { ControlledExecutor, planOf, task } from '../helpers';

function modelFor(bus: EventBus, concurrency = 2): RunViewModel {
  const model = new RunViewModel({ runId: 'r', question: 'q', root: '/ws', providerLabel: 'test', concurrency });
  model.attach(bus);
  return model;
}

/** The counts must always equal the states of the tasks listed. */
function assertCountsConsistent(snapshot: RunViewSnapshot): void {
  for (const state of ALL_STATES) {
    assert.equal(snapshot.counts[state], snapshot.tasks.filter((t) => t.state === state).length, `count of ${state}`);
  }
}

describe('run view model', () => {
  it('starts in "planning" with no tasks, then lists the plan in order once the run starts', async () => {
    const bus = new EventBus();
    const model = modelFor(bus);
    assert.equal(model.snapshot().status, 'planning');
    assert.equal(model.snapshot().tasks.length, 0);
    const exec = new ControlledExecutor();
    const d = new Dispatcher({ runId: 'r', bus, plan: planOf([task('a'), task('b', ['a'], { parent: 'a', kind: 'analyze' })]), executor: exec.execute });
    const done = d.run();
    const snap = model.snapshot();
    assert.equal(snap.status, 'running');
    assert.deepEqual(snap.tasks.map((t) => t.id), ['a', 'b']);
    assert.equal(snap.tasks[1]!.parent, 'a');
    assert.equal(snap.tasks[1]!.kind, 'analyze');
    assert.deepEqual(snap.tasks[1]!.dependsOn, ['a']);
    assertCountsConsistent(snap);
    await eventually("exec.isRunning('a')", () => exec.isRunning('a'));
    exec.resolve('a', 'found a');
    await eventually("exec.isRunning('b')", () => exec.isRunning('b'));
    exec.resolve('b');
    await done;
    const end = model.snapshot();
    assert.equal(end.status, 'ended');
    assert.equal(end.outcome, 'completed');
    assert.equal(end.counts.COMPLETED, 2);
    assert.equal(end.tasks[0]!.summary, 'found a');
    assert.ok(end.stats, 'the statistics arrive with run:end');
    assertCountsConsistent(end);
  });

  it('bumps the version on every change and returns the same snapshot object while nothing changes', () => {
    const model = new RunViewModel({ runId: 'r', question: 'q', root: '/ws', providerLabel: 'test', concurrency: 1 });
    const first = model.snapshot();
    assert.equal(model.snapshot(), first, 'no change, no copy');
    const versions: number[] = [];
    model.onChange((v) => versions.push(v));
    model.addNotice('warn', 'careful');
    model.setStatus('cancelling');
    const second = model.snapshot();
    assert.notEqual(second, first);
    assert.deepEqual(versions, [first.version + 1, first.version + 2]);
    assert.equal(second.version, first.version + 2);
    assert.equal(first.notices.length, 0, 'an earlier snapshot is not changed afterwards');
  });

  it('records attempts, retries, the last error and one timeline span per state stint', async () => {
    const bus = new EventBus();
    const model = modelFor(bus);
    let calls = 0;
    const d = new Dispatcher({
      runId: 'r',
      bus,
      plan: planOf([task('flaky')]),
      retry: { maxRetries: 2, baseDelayMs: 1, maxDelayMs: 2 },
      executor: async () => {
        calls++;
        if (calls === 1) throw new RetryableError('rate limited');
        return { summary: 'ok', usage: { inputTokens: 10, outputTokens: 5, costUsd: 0.01 } };
      },
    });
    await d.run();
    const snap = model.snapshot();
    const flaky = snap.tasks[0]!;
    assert.equal(flaky.state, 'COMPLETED');
    assert.equal(flaky.attempts, 2);
    assert.equal(flaky.retries, 1);
    assert.equal(snap.retries, 1);
    assert.equal(flaky.lastError, undefined, 'a completed task has no "last error" any more');
    assert.deepEqual(flaky.spans.map((s) => s.state), ['READY', 'RUNNING', 'RETRYING', 'RUNNING']);
    assert.ok(flaky.spans.every((s) => s.end !== undefined && s.end >= s.start), 'every span is closed at the end');
    assert.ok(flaky.startedAt !== undefined && flaky.endedAt !== undefined && flaky.endedAt >= flaky.startedAt);
    assert.deepEqual(snap.usage, { inputTokens: 10, outputTokens: 5, costUsd: 0.01 });
  });

  it('keeps the reason of a failed task and of the dependents it cancelled', async () => {
    const bus = new EventBus();
    const model = modelFor(bus);
    const d = new Dispatcher({
      runId: 'r',
      bus,
      plan: planOf([task('a'), task('b', ['a'])]),
      executor: async () => {
        throw new Error('disk on fire');
      },
    });
    await d.run();
    const [a, b] = model.snapshot().tasks;
    assert.equal(a!.state, 'FAILED');
    assert.match(a!.reason!, /disk on fire/);
    assert.equal(b!.state, 'CANCELLED');
    assert.match(b!.reason!, /"a".*failed/);
    assert.equal(model.snapshot().outcome, 'failed');
  });

  it('shows progress while running and forgets it when the attempt ends', async () => {
    const bus = new EventBus();
    const model = modelFor(bus);
    let release!: () => void;
    const d = new Dispatcher({
      runId: 'r',
      bus,
      plan: planOf([task('a')]),
      executor: (_spec, context) => {
        context.progress('indexing', 0.5);
        return new Promise((resolve) => (release = () => resolve({ summary: 'done' })));
      },
    });
    const done = d.run();
    await eventually('release !== undefined', () => release !== undefined);
    assert.deepEqual(model.snapshot().tasks[0]!.progress, { message: 'indexing', fraction: 0.5 });
    release();
    await done;
    assert.equal(model.snapshot().tasks[0]!.progress, undefined);
  });

  it('adds a replan\'s new tasks with their specs, keeps finished ones, and says what changed', async () => {
    const bus = new EventBus();
    const model = modelFor(bus, 1);
    const exec = new ControlledExecutor();
    const d = new Dispatcher({ runId: 'r', bus, plan: planOf([task('s1'), task('s2'), task('syn', ['s1', 's2'], { kind: 'synthesize' })]), executor: exec.execute, concurrency: 1 });
    const done = d.run();
    await eventually("exec.isRunning('s1')", () => exec.isRunning('s1'));
    exec.resolve('s1');
    await eventually("exec.isRunning('s2')", () => exec.isRunning('s2'));
    await d.replan(planOf([task('s2'), task('s3', [], { description: 'look at the tests', kind: 'analyze' }), task('syn2', ['s1', 's2', 's3'], { kind: 'synthesize' })]));
    const snap = model.snapshot();
    assert.deepEqual(snap.tasks.map((t) => t.id), ['s1', 's2', 'syn', 's3', 'syn2']);
    const s3 = snap.tasks.find((t) => t.id === 's3')!;
    assert.equal(s3.description, 'look at the tests');
    assert.equal(s3.kind, 'analyze');
    assert.equal(snap.tasks.find((t) => t.id === 's1')!.state, 'COMPLETED');
    assert.equal(snap.tasks.find((t) => t.id === 'syn')!.state, 'CANCELLED');
    assert.match(snap.notices.at(-1)!.message, /Replanned: 2 added \(s3, syn2\), 1 dropped \(syn\)/);
    assertCountsConsistent(snap);
    for (const id of ['s2', 's3', 'syn2']) {
      await eventually(id, () => exec.isRunning(id), 2000);
      exec.resolve(id);
    }
    await done;
    assertCountsConsistent(model.snapshot());
  });

  it('a retried task loses its old end and reason and goes round again', async () => {
    const bus = new EventBus();
    const model = modelFor(bus);
    const exec = new ControlledExecutor();
    const d = new Dispatcher({ runId: 'r', bus, plan: planOf([task('a'), task('keep')]), executor: exec.execute });
    const done = d.run();
    await eventually("exec.isRunning('a') && exec.isRunning('keep')", () => exec.isRunning('a') && exec.isRunning('keep'));
    d.cancelTask('a');
    assert.equal(model.snapshot().tasks[0]!.state, 'CANCELLED');
    assert.equal(model.snapshot().tasks[0]!.reason, 'cancelled by the user');
    d.retryTask('a');
    const retried = model.snapshot().tasks[0]!;
    assert.equal(retried.reason, undefined);
    assert.equal(retried.endedAt, undefined);
    await eventually("exec.isRunning('a')", () => exec.isRunning('a'));
    exec.resolve('a');
    exec.resolve('keep');
    await done;
    assert.equal(model.snapshot().outcome, 'completed');
  });

  it('keeps warnings and errors from the log as notices, at most maxNotices of them', () => {
    const bus = new EventBus();
    const model = new RunViewModel({ runId: 'r', question: 'q', root: '/ws', providerLabel: 'test', concurrency: 1, maxNotices: 3 });
    model.attach(bus);
    const before = model.snapshot().version;
    bus.emit('log', { runId: 'r', level: 'info', message: 'chatter', at: 1 });
    assert.equal(model.snapshot().version, before, 'info lines are not notices and change nothing');
    for (let i = 0; i < 5; i++) bus.emit('log', { runId: 'r', level: i % 2 ? 'warn' : 'error', message: `m${i}`, at: i });
    assert.deepEqual(model.snapshot().notices.map((n) => n.message), ['m2', 'm3', 'm4']);
    assert.equal(model.snapshot().notices[0]!.level, 'error');
  });

  it('follows concurrency changes and the report written at the end; the snapshot is JSON', async () => {
    const bus = new EventBus();
    const model = modelFor(bus, 2);
    const exec = new ControlledExecutor();
    const d = new Dispatcher({ runId: 'r', bus, plan: planOf([task('a')]), executor: exec.execute, concurrency: 2 });
    const done = d.run();
    d.setConcurrency(7);
    assert.equal(model.snapshot().concurrency, 7);
    await eventually("exec.isRunning('a')", () => exec.isRunning('a'));
    exec.resolve('a');
    await done;
    model.setReport('/ws/.research/r/report.md', '# Report');
    const snap = model.snapshot();
    assert.equal(snap.reportPath, '/ws/.research/r/report.md');
    assert.equal(snap.reportMarkdown, '# Report');
    assert.deepEqual(JSON.parse(JSON.stringify(snap)).tasks[0].id, 'a');
    model.setStatus('running');
    assert.equal(model.snapshot().status, 'ended', 'an ended run stays ended');
  });

  it('a 500-task run costs one snapshot copy per read, not per event', async () => {
    const bus = new EventBus();
    const model = modelFor(bus, 16);
    let changes = 0;
    model.onChange(() => changes++);
    const tasks = Array.from({ length: 500 }, (_, i) => task(`t${i}`, i >= 10 ? [`t${i % 10}`] : []));
    const d = new Dispatcher({ runId: 'r', bus, plan: planOf(tasks), executor: async () => ({ summary: 'ok' }), concurrency: 16 });
    const copies = new Set<RunViewSnapshot>();
    const timer = setInterval(() => copies.add(model.snapshot()), 1);
    await d.run();
    clearInterval(timer);
    copies.add(model.snapshot());
    assert.ok(changes > 1500, `every state change is a change (${changes})`);
    assert.ok(copies.size < changes, 'snapshots are taken on read, far fewer than the changes');
    assert.equal(model.snapshot().counts.COMPLETED, 500);
    assertCountsConsistent(model.snapshot());
  });
});
