import * as assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import type { Dispatcher } from '../../../src/core/dispatcher';
import { RetryableError } from '../../../src/core/errors';
import { EventBus } from '../../../src/core/events';
import type { TaskResult } from '../../../src/core/executor';
import type { Plan } from '../../../src/core/plan';
import type { ResearchProvider } from '../../../src/core/provider';
import { research } from '../../../src/core/research';
import { outcomeSchema } from '../../../src/distributed/job';
import { KEY_PREFIX, queueName, redisKeys } from '../../../src/distributed/keys';
import { listWorkers } from '../../../src/distributed/registry';
import { redisTransport } from '../../../src/distributed/redis-transport';
import { parseRedisUrl, type RedisTarget } from '../../../src/distributed/redis-url';
import { ResearchWorker } from '../../../src/distributed/research-worker';
import { eventually } from '../../support/eventually';
import { jobData } from '../../support/job-data';
import { RedisServer, requireRedisServer } from '../../support/redis-server';

/** Runs only simulated tasks: the worker and the dispatcher need a provider, never call it. */
const provider: ResearchProvider = {
  id: 'offline',
  label: 'test',
  plan: () => Promise.reject(new Error('plans are given')),
  replan: () => Promise.reject(new Error('replans are given')),
  execute: () => Promise.reject(new Error('only simulated tasks here')),
};

function plan(tasks: Array<{ id: string; kind?: 'search' | 'analyze' | 'synthesize'; ms: number }>): Plan {
  return {
    question: 'does cancel reach the worker?',
    tasks: tasks.map((t) => ({ id: t.id, kind: t.kind ?? 'search', description: `task ${t.id}`, dependsOn: [], priority: 5, simulate: { ms: t.ms, failTimes: 0 } })),
  };
}

describe('a worker and a dispatcher on one Redis (in-process)', function () {
  this.timeout(30_000);
  let server: RedisServer;
  let target: RedisTarget;
  let redis: Redis;
  let root: string;
  let worker: ResearchWorker | undefined;

  before(async function () {
    requireRedisServer(this);
    server = await RedisServer.start();
    target = parseRedisUrl(server.url);
    redis = new Redis(server.url);
  });
  after(async () => {
    redis?.disconnect();
    await server?.dispose();
  });
  beforeEach(async () => {
    await redis.flushall();
    root = path.join(mkdtempSync(path.join(tmpdir(), 'research-inproc-')), 'folder');
    mkdirSync(root);
  });
  afterEach(async () => {
    await worker?.stop({ abort: true });
    worker = undefined;
    rmSync(path.dirname(root), { recursive: true, force: true });
  });

  function startRun(p: Plan, bus = new EventBus(), signal?: AbortSignal): { run: ReturnType<typeof research>; dispatcher: Promise<Dispatcher> } {
    let resolveDispatcher!: (d: Dispatcher) => void;
    const dispatcher = new Promise<Dispatcher>((resolve) => (resolveDispatcher = resolve));
    const run = research({
      question: p.question,
      plan: p,
      root,
      provider,
      journal: false,
      bus,
      signal,
      transport: redisTransport(target, { noWorkerWarningMs: 200, checkEveryMs: 100 }),
      onDispatcher: resolveDispatcher,
    });
    return { run, dispatcher };
  }

  it('cancelling a task aborts it on the worker that holds it, and the run goes on', async () => {
    worker = await ResearchWorker.start({ target, root, concurrency: 2, heartbeatMs: 200 });
    const { run, dispatcher } = startRun(plan([{ id: 'long', ms: 30_000 }, { id: 'short', ms: 50 }]));
    await eventually('the worker to hold "long"', () => worker!.record.running.some((t) => t.taskId === 'long'));
    (await dispatcher).cancelTask('long');
    await eventually('the worker to let go of "long"', () => !worker!.record.running.some((t) => t.taskId === 'long'));
    const result = await run;
    assert.equal(result.tasks.find((t) => t.spec.id === 'long')!.state, 'CANCELLED');
    assert.equal(result.tasks.find((t) => t.spec.id === 'short')!.state, 'COMPLETED');
    // The worker recorded the attempt as cancelled, not as 30 s of finished work.
    const keys = await redis.keys(redisKeys.outcome('*'));
    const outcomes = (await Promise.all(keys.map((k) => redis.get(k)))).map((raw) => outcomeSchema.parse(JSON.parse(raw!)));
    const cancelled = outcomes.find((o) => !o.ok);
    assert.ok(cancelled && !cancelled.ok);
    assert.match(cancelled.error.message, /cancelled by the user/);
    assert.equal(worker!.record.failed, 0, 'a cancelled attempt is not counted as failed');
    assert.equal(worker!.record.completed, 1);
  });

  it('cancelling the run aborts every task its workers hold', async () => {
    worker = await ResearchWorker.start({ target, root, concurrency: 3, heartbeatMs: 200 });
    const controller = new AbortController();
    const { run } = startRun(plan([{ id: 'a', ms: 30_000 }, { id: 'b', ms: 30_000 }, { id: 'c', ms: 30_000 }]), new EventBus(), controller.signal);
    await eventually('the worker to hold all three', () => worker!.record.running.length === 3);
    controller.abort();
    const result = await run;
    assert.equal(result.outcome, 'cancelled');
    await eventually('the worker to stop them all', () => worker!.record.running.length === 0);
  });

  it('a replan removes the tasks it drops from their queue, and says when no worker takes a kind', async () => {
    worker = await ResearchWorker.start({ target, root, capabilities: ['search'], heartbeatMs: 200 });
    const bus = new EventBus();
    const logs: string[] = [];
    bus.on('log', (event) => logs.push(event.message));
    const p = plan([{ id: 'a', ms: 1500 }, { id: 'write', kind: 'synthesize', ms: 10 }]);
    const { run, dispatcher } = startRun(p, bus);
    const queue = new Queue(queueName('synthesize'), { connection: redis, prefix: KEY_PREFIX });
    try {
      await eventually('"write" to wait in its queue', async () => (await queue.getWaitingCount()) === 1);
      await eventually('the no-worker notice', () => logs.some((m) => /"synthesize" tasks are waiting and no worker/.test(m)));
      const outcome = await (await dispatcher).replan({ ...p, tasks: p.tasks.filter((t) => t.id === 'a') });
      assert.deepEqual(outcome.dropped, ['write']);
      await eventually('"write" to leave its queue', async () => (await queue.getWaitingCount()) === 0);
      const result = await run;
      assert.equal(result.tasks.find((t) => t.spec.id === 'a')!.state, 'COMPLETED');
      assert.equal(result.tasks.find((t) => t.spec.id === 'write')!.reason, 'dropped by a replan');
    } finally {
      await queue.close();
    }
  });

  it('a worker over a folder of another name refuses the task, with a reason that says what to do', async () => {
    const elsewhere = path.join(path.dirname(root), 'another-folder');
    mkdirSync(elsewhere);
    worker = await ResearchWorker.start({ target, root: elsewhere, heartbeatMs: 200 });
    const result = await startRun(plan([{ id: 'a', ms: 10 }])).run;
    const task = result.tasks.find((t) => t.spec.id === 'a')!;
    assert.equal(task.state, 'FAILED');
    assert.match(task.reason!, /policy: the task researches the folder "folder" but this worker serves "another-folder": start a worker with --dir pointing at a copy of "folder"/);
    assert.equal(task.attempts, 1, 'a policy refusal is not retried');
  });

  it('registers, heartbeats idle → running → idle, counts its work, and leaves a stopped record', async () => {
    worker = await ResearchWorker.start({ target, root, capabilities: ['search', 'analyze'], concurrency: 3, heartbeatMs: 100 });
    const [registered] = await listWorkers(redis);
    assert.equal(registered.id, worker.id);
    assert.equal(registered.state, 'idle');
    assert.deepEqual(registered.capabilities, ['search', 'analyze']);
    assert.equal(registered.concurrency, 3);
    assert.equal(registered.workspace, 'folder');

    const { run } = startRun(plan([{ id: 'a', ms: 600 }]));
    const busy = await eventually('the record to show the task', async () => (await listWorkers(redis)).find((w) => w.state === 'running'));
    assert.deepEqual(busy.running.map((t) => t.taskId), ['a']);
    assert.equal(busy.load, 1 / 3);
    await run;
    const idle = await eventually('the record to be idle again', async () => (await listWorkers(redis)).find((w) => w.state === 'idle' && w.completed === 1));
    assert.equal(idle.running.length, 0);

    await worker.stop();
    const [stopped] = await listWorkers(redis);
    assert.equal(stopped.state, 'stopped');
    assert.equal(stopped.silent, false);
  });

  it("counts the tokens tasks spent on a worker, failed attempts included, in the run's totals (and so in its budget)", async () => {
    let attempts = 0;
    worker = await ResearchWorker.start({
      target,
      root,
      heartbeatMs: 200,
      buildProvider: async () => ({
        ...provider,
        execute: async (): Promise<TaskResult> => {
          // The first attempt fails after spending 50 + 5 tokens; the others succeed with 100 + 20.
          if (++attempts === 1) throw Object.assign(new RetryableError('503'), { attemptUsage: { inputTokens: 50, outputTokens: 5, costUsd: 0.005 } });
          return { summary: 'done', usage: { inputTokens: 100, outputTokens: 20, costUsd: 0.01 } };
        },
      }),
    });
    const spent = { inputTokens: 0, outputTokens: 0, costUsd: 0 };
    const finished: boolean[] = [];
    const counting: ResearchProvider = {
      ...provider,
      usage: () => ({ ...spent }),
      recordRemoteUsage: (usage, done) => {
        finished.push(done);
        spent.inputTokens += usage.inputTokens;
        spent.outputTokens += usage.outputTokens;
        spent.costUsd += usage.costUsd;
      },
    };
    const p: Plan = { question: 'q', tasks: [0, 1].map((i) => ({ id: `t${i}`, kind: 'search' as const, description: 'd', dependsOn: [], priority: 5 })) };
    const result = await research({ question: 'q', plan: p, root, provider: counting, journal: false, transport: redisTransport(target), retry: { baseDelayMs: 1 } });
    assert.equal(result.outcome, 'completed');
    assert.equal(result.stats.usage.inputTokens, 250);
    assert.equal(result.stats.usage.outputTokens, 45);
    assert.ok(Math.abs(result.stats.usage.costUsd - 0.025) < 1e-9);
    assert.deepEqual(finished.sort(), [false, true, true], 'the failed attempt is counted, but not as a finished task');
  });

  it('a job delivered again after its outcome was recorded returns that outcome and runs nothing', async () => {
    let ran = 0;
    worker = await ResearchWorker.start({
      target,
      root,
      heartbeatMs: 200,
      buildProvider: async () => ({ ...provider, execute: async (): Promise<TaskResult> => ({ summary: `run ${++ran}` }) }),
    });
    const queue = new Queue(queueName('search'), { connection: redis, prefix: KEY_PREFIX });
    try {
      const data = jobData({ workspace: { name: 'folder' } });
      // The first delivery's worker recorded its outcome, then died before BullMQ heard of it.
      await redis.set(redisKeys.outcome('r1~test|a|1'), JSON.stringify({ ok: true, result: { summary: 'recorded first' }, workerId: 'gone', at: 1 }));
      const job = await queue.add('search', data, { jobId: 'r1~test|a|1' });
      await eventually('the job to finish', async () => (await job.getState()) === 'completed');
      assert.equal(ran, 0, 'the task did not run again');
      const outcome = outcomeSchema.parse(JSON.parse((await redis.get(redisKeys.outcome('r1~test|a|1')))!));
      assert.ok(outcome.ok);
      assert.equal(outcome.result.summary, 'recorded first');
      assert.equal((await redis.lrange(redisKeys.deliveries('r1~test'), 0, -1)).length, 1, 'the delivery is still logged');
    } finally {
      await queue.close();
    }
  });
});
