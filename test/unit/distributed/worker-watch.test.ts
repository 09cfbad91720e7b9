import assert from 'node:assert/strict';
import type { Redis } from 'ioredis';
import { openConnection } from '../../../src/distributed/connection';
import { parseRedisUrl } from '../../../src/distributed/redis-url';
import { writeWorkerRecord, type WorkerRecord } from '../../../src/distributed/registry';
import { WorkerWatch, type WorkerWatchStatus } from '../../../src/distributed/worker-watch';
import { freePort, RedisServer, requireRedisServer } from '../../support/redis-server';
import { eventually } from '../../support/eventually';

function record(id: string, extra: Partial<WorkerRecord> = {}): WorkerRecord {
  const now = Date.now();
  return {
    id,
    host: 'box',
    pid: 100,
    capabilities: ['search'],
    concurrency: 2,
    workspace: 'notes',
    state: 'idle',
    running: [],
    completed: 0,
    failed: 0,
    startedAt: now,
    // Far ahead, so the record never counts as silent however slow the machine is.
    heartbeatAt: now + 3_600_000,
    heartbeatMs: 1_000,
    ...extra,
  };
}

/** Resolves once `count` more listings have been made. */
async function pollsPass(w: WorkerWatch, count: number): Promise<void> {
  const target = w.polls + count;
  await eventually(`${count} more listings`, () => w.polls >= target, 10_000);
}

describe('WorkerWatch: the Workers view polling a real Redis', function () {
  this.timeout(30_000);
  let server: RedisServer;
  let writer: Redis;
  const watches: WorkerWatch[] = [];

  /** A watch whose every reported status is kept, polling fast so the tests are quick. */
  function watch(url: string): { watch: WorkerWatch; seen: WorkerWatchStatus[] } {
    const seen: WorkerWatchStatus[] = [];
    const w = new WorkerWatch(parseRedisUrl(url, undefined), (s) => seen.push(s), { intervalMs: 20, timeoutMs: 1_000 });
    watches.push(w);
    return { watch: w, seen };
  }

  before(async function () {
    requireRedisServer(this);
    server = await RedisServer.start();
    writer = openConnection(parseRedisUrl(server.url, undefined), 'test-writer');
  });

  afterEach(() => {
    for (const w of watches.splice(0)) w.dispose();
  });

  after(async () => {
    writer?.disconnect();
    await server?.dispose();
  });

  beforeEach(async () => {
    if (server && writer.status === 'ready') await writer.flushall();
  });

  it('lists the registered workers, and reports again only when the list changed', async () => {
    await writeWorkerRecord(writer, record('w-a'));
    const { watch: w, seen } = watch(server.url);
    w.start();
    await eventually('a first listing', () => seen.length > 0, 10_000);
    assert.equal(seen[0]!.state, 'listed');
    assert.deepEqual(seen[0]!.state === 'listed' && seen[0]!.workers.map((x) => x.id), ['w-a']);

    // Many polls of an unchanged list say nothing more.
    const before = seen.length;
    await pollsPass(w, 5);
    assert.equal(seen.length, before, 'no callback while nothing changed');

    await writeWorkerRecord(writer, record('w-b', { state: 'running', running: [{ runId: 'r', taskId: 't1', kind: 'search', description: 'd', attempt: 1, startedAt: Date.now() }] }));
    await eventually('the new worker to be reported', () => seen.length > before, 10_000);
    const last = seen.at(-1)!;
    assert.equal(last.state, 'listed');
    assert.deepEqual(last.state === 'listed' && last.workers.map((x) => [x.id, x.state, x.running.length]), [
      ['w-a', 'idle', 0],
      ['w-b', 'running', 1],
    ]);
  });

  it('touches Redis only between start() and stop(), and starts again after a stop', async () => {
    const { watch: w, seen } = watch(server.url);
    assert.equal(w.watching, false);
    assert.equal(w.polls, 0);
    assert.equal(seen.length, 0, 'nothing is reported before start()');
    w.start();
    await eventually('the empty listing', () => seen.length === 1, 10_000);
    assert.deepEqual(seen[0], { state: 'listed', workers: [] });
    w.stop();
    assert.equal(w.watching, false);
    const pollsWhenStopped = w.polls;
    // The server sees the connection go a moment after the client closed it.
    await eventually('the connection to close', async () => !String(await writer.client('LIST')).includes('name=research-vscode-workers'));
    await writeWorkerRecord(writer, record('w-late'));
    assert.equal(w.polls, pollsWhenStopped, 'no listing while stopped');
    w.start();
    await eventually('the listing after the restart', () => seen.length === 2, 10_000);
    assert.deepEqual(seen[1]!.state === 'listed' && seen[1]!.workers.map((x) => x.id), ['w-late']);
  });

  it('says at once that nothing listens, without hanging', async () => {
    const { watch: w, seen } = watch(`redis://127.0.0.1:${await freePort()}`);
    w.start();
    await eventually('the unreachable report', () => seen.length > 0, 10_000);
    const status = seen[0]!;
    assert.equal(status.state, 'unreachable');
    assert.match(status.state === 'unreachable' ? status.message : '', /Redis at redis:\/\/127\.0\.0\.1:\d+.*connection refused/);
  });

  it('reports a server that stops as unreachable, and lists again when it is back', async () => {
    const own = await RedisServer.start();
    try {
      const ownWriter = openConnection(parseRedisUrl(own.url, undefined), 'test-writer');
      await writeWorkerRecord(ownWriter, record('w-x'), 3600);
      ownWriter.disconnect();
      const { watch: w, seen } = watch(own.url);
      w.start();
      await eventually('a first listing', () => seen.some((s) => s.state === 'listed'), 10_000);
      await own.stop();
      await eventually('the stopped server to be reported', () => seen.at(-1)!.state === 'unreachable', 10_000);
      await own.start();
      // A server without persistence comes back empty: the watch lists again, with no worker.
      await eventually('the listing after the restart', () => seen.at(-1)!.state === 'listed', 10_000);
      assert.deepEqual(seen.at(-1), { state: 'listed', workers: [] });
    } finally {
      await own.dispose();
    }
  });

  it('lists a Redis that wants a password with it, and says "authentication failed" without it', async () => {
    const own = await RedisServer.start();
    try {
      const admin = openConnection(parseRedisUrl(own.url, undefined), 'test-admin');
      await admin.config('SET', 'requirepass', 'pw-for-test');
      admin.disconnect();
      const without = watch(own.url);
      without.watch.start();
      await eventually('the refusal', () => without.seen.length > 0, 10_000);
      assert.equal(without.seen[0]!.state, 'unreachable');
      assert.match(without.seen[0]!.state === 'unreachable' ? without.seen[0]!.message : '', /authentication failed/);
      const seen: WorkerWatchStatus[] = [];
      const withPassword = new WorkerWatch(parseRedisUrl(own.url, 'pw-for-test'), (s) => seen.push(s), { intervalMs: 20, timeoutMs: 1_000 });
      watches.push(withPassword);
      withPassword.start();
      await eventually('the listing', () => seen.length > 0, 10_000);
      assert.deepEqual(seen[0], { state: 'listed', workers: [] });
    } finally {
      for (const w of watches.splice(0)) w.dispose();
      await own.dispose();
    }
  });

  it('never shows the password in what it reports', async () => {
    const w = new WorkerWatch(parseRedisUrl(`redis://127.0.0.1:${await freePort()}`, 's3cret-pass'), () => undefined, { intervalMs: 20, timeoutMs: 1_000 });
    watches.push(w);
    w.start();
    await eventually('the unreachable report', () => w.status.state === 'unreachable', 10_000);
    assert.ok(!JSON.stringify(w.status).includes('s3cret-pass'));
    assert.match(JSON.stringify(w.status), /\*\*\*/);
  });
});
