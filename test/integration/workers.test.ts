/**
 * Workers on Redis, inside a real VS Code, against a redis-server the test starts on 127.0.0.1: the
 * Workers view appears with research.redis.url and lists the workers registered there (with the
 * password from SecretStorage when Redis wants one), says when Redis cannot be reached, and goes
 * when the setting is cleared; a run refuses to start, at once and with nothing created, when the
 * setting holds a password or names a Redis that does not answer.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Redis } from 'ioredis';
import * as vscode from 'vscode';
import { openConnection } from '../../src/distributed/connection';
import { parseRedisUrl } from '../../src/distributed/redis-url';
import { writeWorkerRecord, type WorkerRecord } from '../../src/distributed/registry';
import { REDIS_PASSWORD_NAME } from '../../src/extension/secrets';
import { freePort, RedisServer, requireRedisServer } from '../support/redis-server';
import type { ExtensionTestApi } from '../../src/extension/extension';
import { eventually } from '../support/eventually';
import { api, setRedisUrl } from './support';

function runDirs(): string[] {
  const root = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
  assert.ok(root, 'the tests need a workspace folder');
  const output = path.join(root, vscode.workspace.getConfiguration('research').get<string>('outputFolder') || '.research');
  return fs.existsSync(output) ? fs.readdirSync(output).sort() : [];
}

function record(id: string): WorkerRecord {
  const now = Date.now();
  return {
    id,
    host: 'test-host',
    pid: 1234,
    capabilities: ['search', 'analyze'],
    concurrency: 3,
    workspace: 'fixture-workspace',
    state: 'running',
    running: [{ runId: 'run-x', taskId: 'find-tides', kind: 'search', description: 'look for the tides', attempt: 2, startedAt: now }],
    completed: 5,
    failed: 0,
    startedAt: now,
    // Far ahead, so the worker never counts as silent however slow the machine is.
    heartbeatAt: now + 3_600_000,
    heartbeatMs: 1_000,
  };
}

describe('Workers on Redis in VS Code', function () {
  this.timeout(90_000);
  let research: ExtensionTestApi;
  let server: RedisServer | undefined;
  let writer: Redis | undefined;

  before(async function () {
    requireRedisServer(this);
    research = await api();
    server = await RedisServer.start();
    writer = openConnection(parseRedisUrl(server.url, undefined), 'integration-test-writer');
  });

  afterEach(async () => {
    await setRedisUrl(undefined);
    await vscode.commands.executeCommand('research.clearApiKey', REDIS_PASSWORD_NAME);
  });

  after(async () => {
    writer?.disconnect();
    await server?.dispose();
  });

  it('with research.redis.url set, the Workers view lists the registered workers and their tasks; cleared, it goes', async () => {
    await writeWorkerRecord(writer!, record('worker-one'), 3600);
    assert.equal(research.workers.status, 'off');
    await setRedisUrl(server!.url);
    // The view appears once its context key is set; focusing it makes it visible, which starts the polling.
    await eventually('the Workers view to be shown', async () => {
      await Promise.resolve(vscode.commands.executeCommand('research.workers.focus')).catch(() => undefined);
      return research.workers.view.visible;
    });
    const [node] = await eventually('the worker to be listed', () => research.workers.tree.getChildren().length > 0 && research.workers.tree.getChildren());
    assert.equal(research.workers.status, 'listed');
    const item = research.workers.tree.getTreeItem(node!);
    assert.equal(item.label, 'worker-one');
    assert.equal(item.description, 'running 1/3 · search, analyze');
    const [task] = research.workers.tree.getChildren(node);
    assert.equal(research.workers.tree.getTreeItem(task!).label, 'find-tides');

    await setRedisUrl(undefined);
    await eventually('the view to be cleared', () => research.workers.status === 'off');
    assert.deepEqual(research.workers.tree.getChildren(), []);
  });

  it('says so in the view when Redis cannot be reached', async () => {
    const url = `redis://127.0.0.1:${await freePort()}`;
    await setRedisUrl(url);
    await eventually('the Workers view to be shown', async () => {
      await Promise.resolve(vscode.commands.executeCommand('research.workers.focus')).catch(() => undefined);
      return research.workers.view.visible;
    });
    await eventually('the unreachable status', () => research.workers.status === 'unreachable');
    assert.match(research.workers.view.message ?? '', /Redis at redis:\/\/127\.0\.0\.1:\d+.*connection refused/);
    assert.deepEqual(research.workers.tree.getChildren(), []);
  });

  it('uses the Redis password stored with "Set API Key" → "Redis password"', async () => {
    const own = await RedisServer.start();
    try {
      const admin = openConnection(parseRedisUrl(own.url, undefined), 'integration-test-admin');
      await writeWorkerRecord(admin, record('worker-behind-password'), 3600);
      await admin.config('SET', 'requirepass', 'integration-redis-pw');
      admin.disconnect();
      await setRedisUrl(own.url);
      await eventually('the Workers view to be shown', async () => {
        await Promise.resolve(vscode.commands.executeCommand('research.workers.focus')).catch(() => undefined);
        return research.workers.view.visible;
      });
      await eventually('the refusal without a password', () => research.workers.status === 'unreachable');
      assert.match(research.workers.view.message ?? '', /authentication failed/);
      const set = await vscode.commands.executeCommand<{ name: string }>('research.setApiKey', REDIS_PASSWORD_NAME, 'integration-redis-pw');
      assert.deepEqual(set, { name: REDIS_PASSWORD_NAME });
      await eventually('the listing with the password', () => research.workers.status === 'listed');
      assert.equal(research.workers.tree.getTreeItem(research.workers.tree.getChildren()[0]!).label, 'worker-behind-password');
      assert.ok(!(research.workers.view.message ?? '').includes('integration-redis-pw'));
    } finally {
      await setRedisUrl(undefined);
      await own.dispose();
    }
  });

  it('a Redis that does not answer stops a run before it starts, with a clear error', async () => {
    const before = runDirs();
    const snapshotBefore = research.runs.snapshot;
    await setRedisUrl(`redis://127.0.0.1:${await freePort()}`);
    const result = await vscode.commands.executeCommand('research.start', 'Do the workers answer?');
    assert.equal(result, undefined);
    // The reason after the URL depends on how the connection failed (refused, or closed first).
    assert.match(research.seen.lastStartError ?? '', /^Research: cannot reach Redis at redis:\/\/127\.0\.0\.1:\d+\/?: .*research\.redis\.url/);
    assert.deepEqual(runDirs(), before, 'a run folder was created');
    assert.equal(research.runs.snapshot, snapshotBefore, 'the views show a new run');
    assert.equal(research.runs.isRunning, false);
  });

  it('a password in research.redis.url is refused, pointing to SecretStorage, and never shown', async () => {
    const before = runDirs();
    await setRedisUrl(`redis://:not-here-please@127.0.0.1:${server!.port}`);
    const result = await vscode.commands.executeCommand('research.start', 'Is a password in a setting used?');
    assert.equal(result, undefined);
    const error = research.seen.lastStartError ?? '';
    assert.match(error, /research\.redis\.url contains a password.*"Research: Set API Key" → "Redis password"/);
    assert.ok(!error.includes('not-here-please'));
    assert.deepEqual(runDirs(), before);
    await eventually('the view to refuse the setting too', () => research.workers.status === 'invalid');
    assert.ok(!(research.workers.view.message ?? '').includes('not-here-please'));
  });
});
