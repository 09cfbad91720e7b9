/**
 * Runs on real workers, inside a real VS Code: a redis-server and two `dist/worker.js` processes the
 * test starts over the workspace folder itself (workers refuse tasks of a folder with another name),
 * and research.redis.url set. A plan run started with "Start from Plan File…" has its tasks done by
 * the workers and completes with its report open; while a long task runs, the Workers view lists the
 * worker holding it, and Cancel Task stops it on that worker; with the setting cleared, the next run
 * is done in this window again. Simulated tasks make the work independent of the machine; each
 * attempt a worker starts is logged to a file (RESEARCH_SIMULATE_LOG, set for the workers only), which
 * is how the test tells work done on a worker from work done here.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Redis } from 'ioredis';
import * as vscode from 'vscode';
import { openConnection } from '../../src/distributed/connection';
import { parseRedisUrl } from '../../src/distributed/redis-url';
import { listWorkers } from '../../src/distributed/registry';
import type { StartResult } from '../../src/extension/run-manager';
import type { WorkersTreeNode } from '../../src/extension/workers-tree';
import { RedisServer, requireRedisServer } from '../support/redis-server';
import { WorkerProcess } from '../support/worker-process';
import type { ExtensionTestApi } from '../../src/extension/extension';
import { eventually } from '../support/eventually';
import { api, setRedisUrl } from './support';

function simulated(id: string, ms: number, extra: Record<string, unknown> = {}) {
  return { id, kind: 'search', description: `simulated task ${id}`, simulate: { ms }, ...extra };
}

interface Delivery {
  jobId: string;
  taskId: string;
  attempt: number;
  workerId: string;
}

describe('Runs on workers in VS Code', function () {
  this.timeout(90_000);
  let research: ExtensionTestApi;
  let server: RedisServer | undefined;
  let redis: Redis | undefined;
  let temp: string;
  let attemptsLog: string;
  const workers: WorkerProcess[] = [];

  /** "Research: Start from Plan File…" with a plan written outside the workspace (the other tests search it). */
  function startPlan(plan: unknown): Thenable<StartResult | undefined> {
    const file = path.join(temp, `plan-${Date.now()}.json`);
    fs.writeFileSync(file, JSON.stringify(plan));
    return vscode.commands.executeCommand<StartResult | undefined>('research.startFromPlan', vscode.Uri.file(file));
  }

  /** Every delivery of a job of this run to a worker, as the workers logged them in Redis. */
  async function deliveriesOf(runId: string): Promise<Delivery[]> {
    const keys = await redis!.keys(`research:deliveries:${runId}~*`);
    const lists = await Promise.all(keys.map((k) => redis!.lrange(k, 0, -1)));
    return lists.flat().map((text) => JSON.parse(text) as Delivery);
  }

  /** The simulated attempts the workers started, as "<task id> <attempt>". */
  function workerAttempts(): string[] {
    return fs.existsSync(attemptsLog) ? fs.readFileSync(attemptsLog, 'utf8').trim().split('\n').filter(Boolean) : [];
  }

  async function showWorkersView(): Promise<void> {
    await eventually('the Workers view to be shown', async () => {
      await Promise.resolve(vscode.commands.executeCommand('research.workers.focus')).catch(() => undefined);
      return research.workers.view.visible;
    });
  }

  before(async function () {
    requireRedisServer(this);
    this.timeout(60_000);
    research = await api();
    const folder = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
    assert.ok(folder, 'the tests need a workspace folder');
    temp = fs.mkdtempSync(path.join(os.tmpdir(), 'research-workers-run-'));
    attemptsLog = path.join(temp, 'attempts.log');
    server = await RedisServer.start();
    redis = openConnection(parseRedisUrl(server.url, undefined), 'integration-test-reader');
    // The workspace folder itself as the workers' copy: same name, as the workers' policy wants.
    const args = ['--redis', server.url, '--dir', folder, '--concurrency', '2', '--lock-timeout', '5'];
    workers.push(...(await Promise.all([1, 2].map(() => WorkerProcess.start(args, { RESEARCH_SIMULATE_LOG: attemptsLog })))));
    await setRedisUrl(server.url);
  });

  // A test that failed mid-run must not leave its run going: the next Start would wait on "already in progress".
  afterEach(async function () {
    this.timeout(30_000);
    if (!research?.runs.isRunning) return;
    await vscode.commands.executeCommand('research.cancel');
    await eventually('the run to end', () => !research.runs.isRunning, 20_000).catch(() => undefined);
  });

  after(async function () {
    this.timeout(60_000);
    await setRedisUrl(undefined);
    await Promise.all(workers.splice(0).map((w) => w.stop()));
    redis?.disconnect();
    await server?.dispose();
    if (temp) fs.rmSync(temp, { recursive: true, force: true });
  });

  it('a plan run sends its tasks to the workers, completes with every task COMPLETED, and opens its report', async () => {
    const ids = ['w-search-1', 'w-search-2', 'w-search-3', 'w-search-4'];
    const plan = {
      question: 'Do the workers take a plan started in VS Code?',
      tasks: [
        ...ids.map((id) => simulated(id, 300)),
        simulated('w-analyze', 100, { kind: 'analyze', dependsOn: ids }),
        simulated('w-write', 100, { kind: 'synthesize', dependsOn: ['w-analyze'] }),
      ],
    };
    const result = await startPlan(plan);
    assert.ok(result, `the run did not start: ${research.seen.lastStartError}`);
    assert.equal(result.outcome, 'completed');
    const snapshot = research.runs.snapshot!;
    assert.equal(snapshot.runId, result.runId);
    assert.deepEqual(
      snapshot.tasks.map((t) => [t.id, t.state]).sort(),
      [...ids, 'w-analyze', 'w-write'].map((id) => [id, 'COMPLETED']).sort(),
    );
    assert.ok(fs.existsSync(result.reportUri.fsPath));
    const editor = await eventually('the report editor', () => vscode.window.activeTextEditor);
    assert.equal(path.resolve(editor.document.uri.fsPath), path.resolve(result.reportUri.fsPath));

    // Done on the workers, not here: each task delivered once to one of the two, and run there once.
    const delivered = await deliveriesOf(result.runId);
    assert.deepEqual(delivered.map((d) => d.taskId).sort(), [...ids, 'w-analyze', 'w-write'].sort());
    const registered = new Map((await listWorkers(redis!)).map((w) => [w.id, w.pid]));
    const pids = new Set(workers.map((w) => w.pid));
    for (const d of delivered) assert.ok(pids.has(registered.get(d.workerId) ?? -1), `${d.taskId} went to ${d.workerId}, not one of the test's workers`);
    const attempts = workerAttempts();
    for (const id of [...ids, 'w-analyze', 'w-write']) assert.equal(attempts.filter((a) => a === `${id} 1`).length, 1, `${id}: ${attempts.join(', ')}`);
  });

  it('while a long task runs, the Workers view lists its worker with the task; Cancel Task stops it on that worker', async () => {
    const plan = {
      question: 'Can a task running on a worker be cancelled from VS Code?',
      // Far longer than this test's timeout: only a cancel can end it in time.
      tasks: [simulated('w-long', 600_000, { description: 'A long search on a worker' }), simulated('w-after-long', 100, { kind: 'analyze', dependsOn: ['w-long'] }), simulated('w-quick', 100)],
    };
    const running = startPlan(plan);
    await showWorkersView();
    // The worker holding the task, as the tree shows it.
    const [workerNode, taskNode] = await eventually('the Workers view to list a worker running w-long', () => {
      for (const node of research.workers.tree.getChildren()) {
        const task = research.workers.tree.getChildren(node).find((child) => research.workers.tree.getTreeItem(child).label === 'w-long');
        if (task) return [node, task] as [WorkersTreeNode, WorkersTreeNode];
      }
      return undefined;
    });
    const workerItem = research.workers.tree.getTreeItem(workerNode);
    const holder = (await listWorkers(redis!)).find((w) => w.running.some((t) => t.taskId === 'w-long'));
    assert.ok(holder, 'no worker record lists w-long as running');
    assert.equal(workerItem.label, holder.id);
    assert.ok(workers.some((w) => w.pid === holder.pid), `w-long runs on ${holder.id}, not one of the test's workers`);
    assert.equal(workerItem.collapsibleState, vscode.TreeItemCollapsibleState.Expanded);
    assert.match(String(workerItem.description), /^running [12]\/2$/);
    const taskItem = research.workers.tree.getTreeItem(taskNode);
    assert.match(String(taskItem.description), /^[\d.]+ s · A long search on a worker$/);
    assert.equal(research.workers.status, 'listed');
    assert.equal(research.runs.snapshot?.tasks.find((t) => t.id === 'w-long')?.state, 'RUNNING');

    await vscode.commands.executeCommand('research.cancelTask', 'w-long');
    const after = research.runs.snapshot;
    assert.equal(after?.tasks.find((t) => t.id === 'w-long')?.state, 'CANCELLED');
    assert.equal(after?.tasks.find((t) => t.id === 'w-after-long')?.state, 'CANCELLED');

    // The worker stops it: its record no longer lists the task, and the view drops the child.
    await eventually('the worker to stop w-long', async () => {
      const listed = await listWorkers(redis!);
      return listed.length === 2 && !listed.some((w) => w.running.some((t) => t.taskId === 'w-long'));
    });
    await eventually('the Workers view to drop w-long', () =>
      research.workers.tree.getChildren().every((node) => research.workers.tree.getChildren(node).every((child) => research.workers.tree.getTreeItem(child).label !== 'w-long')),
    );
    const holderProcess = workers.find((w) => w.pid === holder.pid)!;
    await eventually('the holder to log the cancel', () => /cancelled job \S*\|w-long\|1/.test(holderProcess.log));

    const result = await running;
    assert.ok(result);
    assert.equal(result.outcome, 'partial');
    assert.equal(research.runs.snapshot?.tasks.find((t) => t.id === 'w-quick')?.state, 'COMPLETED');
    // Cancelled, not retried: one attempt, started once.
    assert.deepEqual(workerAttempts().filter((a) => a.startsWith('w-long ')), ['w-long 1']);
    assert.ok(!workerAttempts().some((a) => a.startsWith('w-after-long ')));
  });

  it('Research: Cancel stops the tasks the workers hold, and the run ends "cancelled" with its report', async () => {
    const plan = {
      question: 'Does cancelling a run stop its tasks on the workers?',
      tasks: [simulated('r-long-1', 600_000), simulated('r-long-2', 600_000)],
    };
    const running = startPlan(plan);
    await eventually('both tasks to run on workers', async () => {
      const held = (await listWorkers(redis!)).flatMap((w) => w.running.map((t) => t.taskId));
      return held.includes('r-long-1') && held.includes('r-long-2');
    });
    await vscode.commands.executeCommand('research.cancel');
    const result = await running;
    assert.ok(result);
    assert.equal(result.outcome, 'cancelled');
    assert.ok(fs.existsSync(result.reportUri.fsPath));
    await eventually('the workers to stop both tasks', async () => !(await listWorkers(redis!)).some((w) => w.running.some((t) => t.taskId.startsWith('r-long-'))));
    assert.deepEqual(workerAttempts().filter((a) => a.startsWith('r-long-')).sort(), ['r-long-1 1', 'r-long-2 1']);
  });

  it('with research.redis.url cleared, the next run is done in this window again', async () => {
    await setRedisUrl(undefined);
    await eventually('the Workers view to be off', () => research.workers.status === 'off');
    const before = workerAttempts();
    const plan = { question: 'Does a run go back in-process without the setting?', tasks: [simulated('here-1', 100), simulated('here-2', 100)] };
    const result = await startPlan(plan);
    assert.ok(result, `the run did not start: ${research.seen.lastStartError}`);
    assert.equal(result.outcome, 'completed');
    assert.deepEqual(research.runs.snapshot?.tasks.map((t) => t.state), ['COMPLETED', 'COMPLETED']);
    assert.deepEqual(await deliveriesOf(result.runId), [], 'a worker got a task of the run');
    assert.deepEqual(workerAttempts(), before, 'a worker ran a task of the run');
  });
});
