import * as assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { Redis } from 'ioredis';
import { listWorkers } from '../../../src/distributed/registry';
import { eventually } from '../../support/eventually';
import { redisServerInstalled, RedisServer, requireRedisServer, freePort } from '../../support/redis-server';
import { runCli, type CliRun } from '../../support/run-cli';
import { WorkerProcess } from '../../support/worker-process';
import { startFaultServer } from '../../support/fault-server';
import { callKind, scriptedModel } from '../../support/scripted-model';

/**
 * Runs through real processes: redis-server, `dist/worker.js` workers and the `dist/cli.js`
 * dispatcher, as a person would run them on several machines.
 */

const DISPATCHER_KEY = 'sk-dispatcher-SECRET-1';
const WORKER_KEY = 'sk-worker-SECRET-2';

/** Every string, hash, list and stream value in the test's Redis, as one text to search. */
async function redisDump(redis: Redis): Promise<string> {
  const parts: string[] = [];
  for (const key of await redis.keys('*')) {
    const type = await redis.type(key);
    if (type === 'string') parts.push((await redis.get(key)) ?? '');
    else if (type === 'hash') parts.push(JSON.stringify(await redis.hgetall(key)));
    else if (type === 'list') parts.push(...(await redis.lrange(key, 0, -1)));
    else if (type === 'stream') parts.push(JSON.stringify(await redis.xrange(key, '-', '+')));
    else if (type === 'zset' || type === 'set') parts.push(key);
  }
  return parts.join('\n');
}

interface Delivery {
  jobId: string;
  taskId: string;
  attempt: number;
  workerId: string;
}

function writePlan(dir: string, tasks: Array<{ id: string; kind?: string; ms: number; dependsOn?: string[] }>): string {
  const file = path.join(dir, 'plan.json');
  const plan = {
    question: 'how do workers share a run?',
    tasks: tasks.map((t) => ({ id: t.id, kind: t.kind ?? 'search', description: `task ${t.id}`, dependsOn: t.dependsOn ?? [], simulate: { ms: t.ms } })),
  };
  writeFileSync(file, JSON.stringify(plan));
  return file;
}

function reportLine(run: CliRun): { reportPath: string; outcome: string } {
  const line = run.stdout.trim().split('\n').map((l) => JSON.parse(l) as { type: string }).find((e) => e.type === 'report');
  assert.ok(line, `no report line; stderr:\n${run.stderr}`);
  return line as unknown as { reportPath: string; outcome: string };
}

function journalResults(reportPath: string): Map<string, number> {
  const counts = new Map<string, number>();
  for (const line of readFileSync(path.join(path.dirname(reportPath), 'journal.jsonl'), 'utf8').split('\n')) {
    if (!line.trim()) continue;
    const record = JSON.parse(line) as { type: string; taskId?: string };
    if (record.type === 'task:result') counts.set(record.taskId!, (counts.get(record.taskId!) ?? 0) + 1);
  }
  return counts;
}

async function deliveries(redis: Redis): Promise<Delivery[]> {
  const keys = await redis.keys('research:deliveries:*');
  const lists = await Promise.all(keys.map((k) => redis.lrange(k, 0, -1)));
  return lists.flat().map((text) => JSON.parse(text) as Delivery);
}

describe('workers on Redis (real processes)', function () {
  this.timeout(90_000);
  let server: RedisServer;
  let redis: Redis;
  let dir: string;
  const workers: WorkerProcess[] = [];

  before(async function () {
    requireRedisServer(this);
    server = await RedisServer.start();
    redis = new Redis(server.url, { maxRetriesPerRequest: null });
    redis.on('error', () => undefined);
  });
  after(async () => {
    redis?.disconnect();
    await server?.dispose();
  });
  beforeEach(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'research-workers-'));
    if (redis.status === 'ready') await redis.flushall();
  });
  afterEach(async () => {
    for (const worker of workers.splice(0)) worker.kill();
    rmSync(dir, { recursive: true, force: true });
  });

  /** Workers over the test's folder; each simulated attempt they start is logged to attempts.log. */
  async function startWorkers(count: number, extra: string[] = []): Promise<WorkerProcess[]> {
    const env = { RESEARCH_SIMULATE_LOG: path.join(dir, 'attempts.log') };
    const started = await Promise.all(
      Array.from({ length: count }, () => WorkerProcess.start(['--redis', server.url, '--dir', dir, '--concurrency', '2', '--lock-timeout', '2', ...extra], env)),
    );
    workers.push(...started);
    return started;
  }

  it('three worker processes share a run, and each task is recorded once', async () => {
    await startWorkers(3);
    const tasks = Array.from({ length: 12 }, (_, i) => ({ id: `s${i}`, ms: 200 }));
    const plan = writePlan(dir, [...tasks, { id: 'a', kind: 'analyze', ms: 50, dependsOn: tasks.map((t) => t.id) }, { id: 'w', kind: 'synthesize', ms: 50, dependsOn: ['a'] }]);
    const run = await runCli(['--dir', dir, '--plan', plan, '--json', '--concurrency', '6', '--redis', server.url], { timeoutMs: 60_000 });
    assert.equal(run.code, 0, run.stderr);
    const { reportPath, outcome } = reportLine(run);
    assert.equal(outcome, 'completed');
    const results = journalResults(reportPath);
    assert.equal(results.size, 14);
    for (const [taskId, count] of results) assert.equal(count, 1, `task ${taskId} was recorded ${count} times`);
    const byWorker = new Set((await deliveries(redis)).map((d) => d.workerId));
    assert.ok(byWorker.size >= 2, `all tasks went to ${[...byWorker].join(', ')}`);
  });

  it('a worker killed with SIGKILL mid-task: another takes the task over and it completes exactly once', async () => {
    const [first, second, third] = await startWorkers(3);
    const pids = new Map([first, second, third].map((w) => [w.pid, w]));
    const plan = writePlan(dir, [{ id: 'long', ms: 2500 }, { id: 'b', ms: 100 }, { id: 'c', ms: 100 }]);
    let killedPid: number | undefined;
    const running = runCli(['--dir', dir, '--plan', plan, '--json', '--redis', server.url], { timeoutMs: 60_000 });
    // Killed once it is really at work: it holds the task and has started the attempt (logged by the worker).
    const attemptsLog = path.join(dir, 'attempts.log');
    const holder = await eventually('a worker to hold "long" and start it', async () => {
      const started = existsSync(attemptsLog) && readFileSync(attemptsLog, 'utf8').includes('long 1');
      return started ? (await listWorkers(redis)).find((w) => w.running.some((t) => t.taskId === 'long')) : undefined;
    });
    killedPid = holder.pid;
    pids.get(holder.pid)!.kill('SIGKILL');
    const silent = await eventually('the killed worker to fall silent', async () => (await listWorkers(redis)).find((w) => w.pid === killedPid && w.silent));
    assert.equal(silent.state, 'error', 'a worker whose heartbeats stopped shows as error');

    const run = await running;
    assert.equal(run.code, 0, run.stderr);
    const { reportPath, outcome } = reportLine(run);
    assert.equal(outcome, 'completed');
    assert.equal(journalResults(reportPath).get('long'), 1, 'the task is recorded once');
    const longDeliveries = (await deliveries(redis)).filter((d) => d.taskId === 'long');
    // Two deliveries: the killed worker's, then another's (a loaded machine may add one more, if a
    // lock lapsed while a worker was starved of CPU; the outcome is still recorded once).
    assert.ok(longDeliveries.length >= 2, 'delivered to the killed worker, then to another');
    assert.equal(longDeliveries[0].workerId, holder.id);
    assert.ok(longDeliveries.slice(1).some((d) => d.workerId !== holder.id));
    assert.equal(new Set(longDeliveries.map((d) => d.jobId)).size, 1, 'every delivery is the same attempt (stalled-job recovery, not a retry)');
    const attempts = readFileSync(path.join(dir, 'attempts.log'), 'utf8').trim().split('\n').filter((l) => l.startsWith('long '));
    assert.ok(attempts.length >= 2 && attempts.every((l) => l === 'long 1'), attempts.join(', '));
  });

  it('Redis restarted empty mid-run: jobs it lost are queued again and the run completes', async () => {
    await startWorkers(2);
    const plan = writePlan(dir, [
      { id: 'a', ms: 300 },
      { id: 'b', ms: 300, dependsOn: ['a'] },
      { id: 'c', ms: 1500, dependsOn: ['b'] },
      { id: 'd', ms: 300, dependsOn: ['c'] },
      { id: 'e', ms: 300 },
    ]);
    let restarted: Promise<void> | undefined;
    const run = await runCli(['--dir', dir, '--plan', plan, '--json', '--redis', server.url], {
      timeoutMs: 60_000,
      onStdoutLine: (line) => {
        const event = JSON.parse(line) as { type: string; taskId?: string; to?: string };
        if (!restarted && event.type === 'task:state' && event.taskId === 'c' && event.to === 'RUNNING') {
          restarted = (async () => {
            await server.stop();
            await new Promise((resolve) => setTimeout(resolve, 1000));
            await server.start();
          })();
        }
      },
    });
    await restarted;
    assert.ok(restarted, 'Redis was restarted during the run');
    assert.equal(run.code, 0, run.stderr);
    assert.equal(reportLine(run).outcome, 'completed');
    const results = journalResults(reportLine(run).reportPath);
    assert.deepEqual([...results.keys()].sort(), ['a', 'b', 'c', 'd', 'e']);
    for (const count of results.values()) assert.equal(count, 1);
  });

  it('a dispatcher killed mid-run resumes on the workers without redoing finished tasks', async () => {
    await startWorkers(2);
    const plan = writePlan(dir, [{ id: 'a', ms: 100 }, { id: 'b', ms: 100 }, { id: 'slow', ms: 3000, dependsOn: ['a'] }, { id: 'end', ms: 100, dependsOn: ['slow', 'b'] }]);
    let runId = '';
    const killed = await runCli(['--dir', dir, '--plan', plan, '--json', '--redis', server.url], {
      timeoutMs: 60_000,
      onStdoutLine: (line, child) => {
        const event = JSON.parse(line) as { type: string; runId?: string; taskId?: string; to?: string };
        runId ||= event.runId ?? '';
        if (event.type === 'task:state' && event.taskId === 'slow' && event.to === 'RUNNING') child.kill('SIGKILL');
      },
    });
    assert.equal(killed.signal, 'SIGKILL');
    // What the journal holds as finished must not run again; a task that ended on a worker after the
    // dispatcher died was never heard of, so it may.
    const finished = [...journalResults(path.join(dir, '.research', runId, 'report.md')).keys()];
    assert.ok(finished.includes('a'), 'a finished before the kill');
    const resumed = await runCli(['--dir', dir, '--resume', runId, '--json', '--redis', server.url], { timeoutMs: 60_000 });
    assert.equal(resumed.code, 0, resumed.stderr);
    const { reportPath, outcome } = reportLine(resumed);
    assert.equal(outcome, 'completed');
    const attempts = readFileSync(path.join(dir, 'attempts.log'), 'utf8').trim().split('\n');
    for (const taskId of finished) assert.equal(attempts.filter((l) => l.startsWith(`${taskId} `)).length, 1, `${taskId} finished before the kill and ran again`);
    assert.deepEqual([...journalResults(reportPath).keys()].sort(), ['a', 'b', 'end', 'slow']);
  });

  it('a model run on workers: each worker builds the run\'s provider with its own key, and no key passes through Redis', async () => {
    const model = await startFaultServer(scriptedModel());
    try {
      writeFileSync(path.join(dir, 'kettle.md'), '# Kettles\n\nThe zephyrine kettle boils water in ninety seconds flat.\n\nIts copper base spreads the heat evenly.\n');
      workers.push(await WorkerProcess.start(['--redis', server.url, '--dir', dir, '--lock-timeout', '2'], { OPENAI_API_KEY: WORKER_KEY }));
      const run = await runCli(['How fast does the kettle boil?', '--dir', dir, '--provider', 'openai', '--base-url', model.url, '--model', 'm', '--json', '--redis', server.url], {
        timeoutMs: 60_000,
        env: { OPENAI_API_KEY: DISPATCHER_KEY },
      });
      assert.equal(run.code, 0, run.stderr);
      const { reportPath, outcome } = reportLine(run);
      assert.equal(outcome, 'completed');
      const report = readFileSync(reportPath, 'utf8');
      assert.match(report, /ninety seconds flat/);
      // The dispatcher plans with its key; every task's requests come from the worker, with the worker's.
      const byKind = (kind: string) => model.requests.filter((r) => callKind(r.body) === kind);
      assert.ok(byKind('plan').length > 0 && byKind('plan').every((r) => r.headers.authorization === `Bearer ${DISPATCHER_KEY}`));
      const taskRequests = model.requests.filter((r) => callKind(r.body) !== 'plan');
      assert.ok(taskRequests.some((r) => callKind(r.body) === 'synthesize'));
      assert.ok(taskRequests.every((r) => r.headers.authorization === `Bearer ${WORKER_KEY}`));
      assert.ok(JSON.parse(run.stdout.trim().split('\n').pop()!).stats.usage.inputTokens > 0, "the workers' tokens count in the run's totals");
      const everything = await redisDump(redis);
      assert.ok(everything.includes('zephyrine'), 'the dump reads the jobs and outcomes');
      assert.ok(!everything.includes('SECRET'), 'no key in Redis');
    } finally {
      await model.close();
    }
  });

  it('Redis gone for good: the waiting tasks fail with a clear reason after the grace period, and the report is written', async () => {
    await startWorkers(1);
    const plan = writePlan(dir, [{ id: 'a', ms: 100 }, { id: 'slow', ms: 20_000, dependsOn: ['a'] }]);
    let stopped: Promise<void> | undefined;
    const run = await runCli(['--dir', dir, '--plan', plan, '--json', '--redis', server.url, '--redis-grace', '2'], {
      timeoutMs: 60_000,
      onStdoutLine: (line) => {
        const event = JSON.parse(line) as { type: string; taskId?: string; to?: string };
        if (!stopped && event.type === 'task:state' && event.taskId === 'slow' && event.to === 'RUNNING') stopped = server.stop();
      },
    });
    await stopped;
    try {
      assert.equal(run.code, 1, run.stderr);
      const { reportPath, outcome } = reportLine(run);
      assert.equal(outcome, 'partial');
      assert.ok(existsSync(reportPath));
      assert.match(readFileSync(reportPath, 'utf8'), /Redis at redis:\/\/127\.0\.0\.1:\d+\/? has been unreachable/);
    } finally {
      await server.start();
      redis.disconnect();
      redis = new Redis(server.url, { maxRetriesPerRequest: null });
      redis.on('error', () => undefined);
    }
  });
});

describe('no Redis reachable', function () {
  this.timeout(20_000);
  before(function () {
    if (!redisServerInstalled() && !process.env.CI) this.skip(); // reason: the worker needs the bundle only; kept with its suite
  });

  it('the dispatcher says so at once and starts nothing', async () => {
    const port = await freePort();
    const dir = mkdtempSync(path.join(tmpdir(), 'research-noredis-'));
    try {
      const run = await runCli(['--dir', dir, 'a question', '--redis', `redis://:secret-pw@127.0.0.1:${port}`]);
      assert.equal(run.code, 2);
      assert.match(run.stderr, new RegExp(`cannot reach Redis at redis://:\\*\\*\\*@127\\.0\\.0\\.1:${port}.*connection refused`));
      assert.doesNotMatch(run.stderr, /secret-pw/);
      assert.ok(!existsSync(path.join(dir, '.research')), 'no run was started');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a worker says so at once and exits', async () => {
    const port = await freePort();
    const worker = await WorkerProcess.start(['--redis', `redis://127.0.0.1:${port}`]).catch((error: Error) => error);
    assert.ok(worker instanceof Error);
    assert.match(worker.message, /cannot reach Redis at redis:\/\/127\.0\.0\.1:\d+.*connection refused/);
  });
});
