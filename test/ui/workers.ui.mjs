// End-to-end UI test of workers on Redis, in the same real workbench as research.ui.mjs (which runs
// first: files run in name order): this script starts a redis-server and worker processes
// (dist/worker.js) on 127.0.0.1 as a person would in a terminal, sets research.redis.url in the
// workspace's .vscode/settings.json, and looks at the Workers view — its welcome before any worker is
// registered, then the workers with the tasks they run during a plan run. Screenshots in
// test/vscode/screenshots/ (ui-9-workers-welcome.png, ui-10-workers-running.png).
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runCommand, setWorkspaceSetting, sleep, waitUntil } from './research.ui.mjs';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
function freePort() {
  return new Promise((resolvePort, reject) => {
    const probe = createServer();
    probe.on('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address();
      probe.close(() => resolvePort(port));
    });
  });
}

/** True once something on the port answers PING with PONG. */
function pong(port) {
  return new Promise((resolvePong) => {
    const socket = connect(port, '127.0.0.1');
    const done = (ok) => {
      socket.destroy();
      resolvePong(ok);
    };
    socket.setTimeout(1000, () => done(false));
    socket.on('error', () => done(false));
    socket.on('connect', () => socket.write('PING\r\n'));
    socket.on('data', (data) => done(data.toString().startsWith('+PONG')));
  });
}

/** Debian's redis-server on a free loopback port, without persistence. */
async function startRedis() {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'research-ui-redis-'));
  const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', '', '--appendonly', 'no', '--protected-mode', 'no'], { stdio: 'ignore' });
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGKILL');
      await Promise.race([exited, sleep(5000)]);
    }
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await waitUntil('redis-server to answer', () => pong(port), 10_000);
  } catch (error) {
    await stop();
    throw error;
  }
  return { url: `redis://127.0.0.1:${port}`, stop };
}

/** `node dist/worker.js …`, ready once it says which tasks it takes. */
async function startWorker(args) {
  const child = spawn(process.execPath, [join(repoRoot, 'dist/worker.js'), ...args], { env: { ...process.env, INIT_CWD: '' }, stdio: ['ignore', 'ignore', 'pipe'] });
  let log = '';
  child.stderr.setEncoding('utf8').on('data', (chunk) => (log += chunk));
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGINT'); // Ctrl-C: finishes (here: is cancelled out of) its tasks and leaves a "stopped" record
    await Promise.race([exited, sleep(10_000)]);
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  };
  try {
    await waitUntil('the worker to start', () => {
      if (child.exitCode !== null) throw new Error(`the worker exited: ${log}`);
      return / takes .* tasks/.test(log);
    }, 20_000);
  } catch (error) {
    await stop();
    throw error;
  }
  return { stop, log: () => log };
}

/** A section (Tasks, Workers) of the Research container. */
function pane(page, title) {
  return page.locator('[id="workbench.view.extension.research"] .pane').filter({ has: page.locator('.pane-header', { hasText: new RegExp(`^\\s*${title}`) }) });
}

const workersPane = (page) => pane(page, 'Workers');

async function rowTexts(page, title) {
  return pane(page, title).locator('.monaco-list-row').evaluateAll((rows) => rows.map((r) => r.getAttribute('aria-label') ?? r.textContent ?? ''));
}

const workersRowTexts = (page) => rowTexts(page, 'Workers');

/** The ids of the tasks the Tasks view shows running, and of those the Workers view shows on a worker. */
async function runningTaskIds(page) {
  const tasks = (await rowTexts(page, 'Tasks')).filter((t) => /^[^,]+, \w+, running\b/.test(t)).map((t) => t.split(',')[0]);
  const onWorkers = (await workersRowTexts(page)).filter((t) => !t.startsWith('worker ')).map((t) => t.split(',')[0]);
  return { tasks: tasks.sort(), onWorkers: onWorkers.sort() };
}

/** Opens the Research container and expands the Workers section (it appears collapsed or expanded). */
async function showWorkersPane(page) {
  const container = page.locator('[id="workbench.view.extension.research"]');
  if (!(await container.isVisible().catch(() => false))) await page.locator('.activitybar .action-item a[aria-label^="Research"]').first().click();
  const header = await waitUntil('the Workers section', async () => {
    const h = workersPane(page).locator('.pane-header').first();
    return (await h.count()) > 0 ? h : undefined;
  });
  if ((await header.getAttribute('aria-expanded')) === 'false') await header.click();
}

export const tests = [
  {
    name: 'the Workers view: its welcome with no worker on Redis, then the workers with the tasks they run',
    async run({ page, screenshot, log, workspaceDir }) {
      if (spawnSync('redis-server', ['--version'], { stdio: 'ignore' }).status !== 0) {
        if (process.env.CI) throw new Error('redis-server is not installed (apt-get install redis-server)');
        log('skipped: redis-server is not installed (apt-get install redis-server)');
        return;
      }
      const cleanups = [];
      try {
        const redis = await startRedis();
        cleanups.unshift(redis.stop);
        await page.keyboard.press('Escape');
        await runCommand(page, 'View: Close All Editors');
        setWorkspaceSetting(workspaceDir, 'research.redis.url', redis.url);
        cleanups.unshift(async () => setWorkspaceSetting(workspaceDir, 'research.redis.url', undefined));

        // No worker yet: the view says how to start one.
        await showWorkersPane(page);
        const welcome = workersPane(page).locator('.welcome-view-content');
        await waitUntil('the Workers welcome', async () => /No worker is registered/.test((await welcome.first().textContent({ timeout: 1_000 }).catch(() => '')) ?? ''), 30_000);
        log(`welcome: ${(await welcome.first().textContent()).trim()}`);
        await page.mouse.move(700, 500);
        await sleep(300);
        await screenshot('ui-9-workers-welcome.png');

        // Two workers over this folder, as two terminals would start them.
        const args = ['--redis', redis.url, '--dir', workspaceDir, '--concurrency', '2', '--lock-timeout', '5'];
        const workers = await Promise.all([startWorker(args), startWorker(args)]);
        for (const worker of workers) cleanups.unshift(worker.stop);
        await waitUntil('both workers in the view', async () => (await workersRowTexts(page)).filter((t) => t.startsWith('worker ')).length === 2, 30_000);

        await runCommand(page, 'Research: Start from Plan File…');
        await page.locator('.quick-input-widget').filter({ hasText: 'demo.plan.json' }).waitFor({ timeout: 15_000 });
        await page.keyboard.type('demo.plan');
        await sleep(300);
        await page.keyboard.press('Enter');
        cleanups.unshift(async () => {
          await runCommand(page, 'Research: Cancel').catch(() => {});
          await sleep(2000);
        });
        // The run focuses the Tasks view; the Workers section stays open below it.
        await showWorkersPane(page);
        await waitUntil('deep-dive to run on a worker', async () => (await workersRowTexts(page)).some((t) => t.startsWith('deep-dive, search, ')), 45_000);
        // The Workers view reads the workers' records every second, so it may lag the Tasks view by
        // that much: the picture is taken once both show deep-dive alone running (the other tasks are
        // short, deep-dive takes 30 s), and taken again if anything moved meanwhile.
        const settled = async () => {
          const { tasks, onWorkers } = await runningTaskIds(page);
          return JSON.stringify(tasks) === '["deep-dive"]' && JSON.stringify(onWorkers) === '["deep-dive"]';
        };
        await waitUntil('a picture of both views showing deep-dive alone running', async () => {
          if (!(await settled())) return false;
          await page.mouse.move(700, 500);
          await sleep(300);
          await screenshot('ui-10-workers-running.png');
          return settled();
        }, 30_000);
        const rows = await workersRowTexts(page);
        log(`workers: ${rows.join(' | ')}`);
        if (!rows.some((t) => /^worker \S+, idle 0\/2$/.test(t))) throw new Error(`the other worker is not shown idle: ${rows.join(' | ')}`);
      } finally {
        for (const cleanup of cleanups) await cleanup().catch((error) => log(`cleanup: ${error.message}`));
      }
    },
  },
];
