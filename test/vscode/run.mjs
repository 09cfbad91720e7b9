#!/usr/bin/env node
// Runs the integration tests (test/integration) inside a real VS Code extension host, offline:
// code-server 4.99.4 (= VS Code 1.99.3, installed by test/vscode/setup.sh into a cache folder outside
// the repo) serves the workbench on 127.0.0.1, headless Debian Chromium opens it through playwright-core with this repo
// as the extension under development, and VS Code runs the compiled tests' `run()`.
//
// The results come back through a file: VS Code is pointed at a small per-run wrapper
// (<temp>/tests-entry.js) that calls runTests({ resultsFile, grep }) from dist/test/integration/index.js;
// the harness waits for that JSON file, prints every test, and ends with "N passed, M failed".
//
// Usage: node test/vscode/run.mjs [--ui] [--no-build] [--extension DIR] [--grep REGEX] [--timeout SECONDS] [--keep]
//   --ui              run the end-to-end UI tests (test/ui/*.ui.mjs) instead: the workbench opens with the
//                     extension but no test entry, and each UI test drives it with Playwright as a person
//                     would (palette, tree, editors), saving screenshots in test/vscode/screenshots/
//   --no-build        do not run `node esbuild.js` first (dist/extension.js must exist)
//   --extension DIR   load the extension from DIR instead of this repo (no build)
//   --grep REGEX      run only the tests whose full title matches
//   --timeout SECONDS how long to wait for the results (default 300)
//   --keep            keep the temp folder (workspace copy, user data, logs) and print its path
// Env: CHROMIUM_PATH (default /usr/bin/chromium); RESEARCH_VSCODE_TEST_CACHE (where setup.sh installed
// code-server; default ${XDG_CACHE_HOME:-~/.cache}/research-dispatcher-vscode-test).
// Each run gets a fresh temp folder (user data, extensions dir, a copy of the fixture workspace, logs),
// removed at the end unless --keep. Screenshots: test/vscode/screenshots/after-tests.png (every completed
// run) and timeout.png (when the results never come). Exit code 0 only if tests ran and all passed.
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, createWriteStream, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { homedir, tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { buildTests, repoRoot, testsEntry } from './build-tests.mjs';

const started = Date.now();
const log = (message) => console.log(`[vscode-test] ${message}`);
const seconds = (since = started) => `${((Date.now() - since) / 1000).toFixed(1)} s`;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

const { values: args } = parseArgs({
  options: {
    'no-build': { type: 'boolean', default: false },
    extension: { type: 'string' },
    grep: { type: 'string' },
    timeout: { type: 'string', default: '300' },
    keep: { type: 'boolean', default: false },
    ui: { type: 'boolean', default: false },
  },
});
const timeoutMs = Number(args.timeout) * 1000;
if (!(timeoutMs > 0)) fail(`--timeout must be a positive number of seconds, not ${args.timeout}`);

const CODE_SERVER_VERSION = '4.99.4';
// Same place as test/vscode/setup.sh installs it: outside the repo, because VS Code applies any theme
// found under the extension development folder, built-in ones included.
const cacheDir = join(
  process.env.RESEARCH_VSCODE_TEST_CACHE || join(process.env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'research-dispatcher-vscode-test'),
  `code-server-${CODE_SERVER_VERSION}`,
);
const codeServerEntry = join(cacheDir, 'node_modules/code-server/out/node/entry.js');
const chromiumPath = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
const fixtureDir = join(repoRoot, 'test/integration/fixture-workspace');
const screenshotsDir = join(repoRoot, 'test/vscode/screenshots');
const extensionPath = args.extension ? resolve(args.extension) : repoRoot;

function fail(message) {
  console.error(`[vscode-test] error: ${message}`);
  process.exit(2);
}

// --- Preconditions -------------------------------------------------------------------------------
if (!existsSync(chromiumPath)) fail(`Chromium not found at ${chromiumPath}: run test/vscode/setup.sh`);
if (!existsSync(codeServerEntry) || !existsSync(join(cacheDir, `.installed-${CODE_SERVER_VERSION}`))) {
  fail(`code-server ${CODE_SERVER_VERSION} is not installed in ${cacheDir}: run test/vscode/setup.sh`);
}
let chromium;
try {
  ({ chromium } = await import('playwright-core'));
} catch {
  fail('playwright-core is not installed: run npm install (it is a devDependency)');
}
if (!existsSync(join(extensionPath, 'package.json'))) fail(`no extension at ${extensionPath}`);
if (!relative(realpathSync(extensionPath), realpathSync(cacheDir)).startsWith('..')) {
  fail(`code-server is installed inside the extension folder (${cacheDir}): VS Code would apply its built-in themes; install it elsewhere`);
}

// --- Build ---------------------------------------------------------------------------------------
if (!args.extension && !args['no-build']) {
  log('building the extension (node esbuild.js)');
  const build = spawnSync(process.execPath, ['esbuild.js'], { cwd: repoRoot, stdio: 'inherit' });
  if (build.status !== 0) fail('the extension build failed');
}
if (!args.extension) {
  const main = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')).main ?? './dist/extension.js';
  if (!existsSync(resolve(repoRoot, main))) fail(`${main} does not exist: build the extension (npm run build)`);
}
const uiDir = join(repoRoot, 'test/ui');
const uiFiles = args.ui ? readdirSync(uiDir).filter((f) => f.endsWith('.ui.mjs')).sort().map((f) => join(uiDir, f)) : [];
if (args.ui) {
  log(`found ${uiFiles.length} UI test file(s)`);
  if (uiFiles.length === 0) fail('no UI tests found (test/ui/*.ui.mjs)');
} else {
  const testFiles = await buildTests({ quiet: true });
  log(`built ${testFiles.length} integration test file(s)`);
  if (testFiles.length === 0) fail('no integration tests found (test/integration/**/*.test.ts)');
}

// --- Temp folders --------------------------------------------------------------------------------
const tempDir = mkdtempSync(join(tmpdir(), 'research-vscode-test-'));
const userDataDir = join(tempDir, 'user-data');
const extensionsDir = join(tempDir, 'extensions');
const workspaceDir = join(tempDir, 'workspace');
const resultsFile = join(tempDir, 'results.json');
const releaseFile = join(tempDir, 'screenshot-taken');
const wrapperFile = join(tempDir, 'tests-entry.js');
const codeServerLog = join(tempDir, 'code-server.log');
const browserLog = join(tempDir, 'browser-console.log');
mkdirSync(join(userDataDir, 'User'), { recursive: true });
mkdirSync(extensionsDir, { recursive: true });
writeFileSync(
  join(userDataDir, 'User/settings.json'),
  JSON.stringify(
    {
      'window.autoDetectHighContrast': false,
      'workbench.colorTheme': 'Default Dark Modern',
      'security.workspace.trust.enabled': false,
      // Offline and quiet: no gallery queries, update checks, recommendations or telemetry.
      'extensions.autoCheckUpdates': false,
      'extensions.autoUpdate': false,
      'extensions.ignoreRecommendations': true,
      'update.mode': 'none',
      'telemetry.telemetryLevel': 'off',
      'workbench.enableExperiments': false,
      'workbench.startupEditor': 'none',
      'git.enabled': false,
      'github.gitAuthentication': false,
      'remote.autoForwardPorts': false,
    },
    null,
    2,
  ),
);
cpSync(fixtureDir, workspaceDir, { recursive: true });
// VS Code loads this as extensionTestsPath; it tells the tests where to write their results.
writeFileSync(
  wrapperFile,
  `// Generated by test/vscode/run.mjs for one run.
const fs = require('fs');
const entry = require(${JSON.stringify(testsEntry)});
exports.run = async () => {
  await entry.runTests(${JSON.stringify({ resultsFile, grep: args.grep })});
  // When run() settles VS Code ends the extension host, and the themes and editors it contributes go
  // with it: wait (bounded) until the harness has taken its screenshot.
  const deadline = Date.now() + 30000;
  while (!fs.existsSync(${JSON.stringify(releaseFile)}) && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
};
`,
);

// --- Cleanup, whatever happens -------------------------------------------------------------------
let server; // code-server child process (leader of its own process group)
let serverExited = false;
let browser;
let cleaningUp;
async function cleanup() {
  cleaningUp ??= (async () => {
    if (browser) await browser.close().catch(() => {});
    if (server && !serverExited) {
      const exited = new Promise((r) => server.once('exit', r));
      killGroup('SIGTERM');
      await Promise.race([exited, sleep(5000)]);
    }
    // The extension host and its helpers share the group: make sure nothing outlives the run.
    if (server) killGroup('SIGKILL');
    if (args.keep) log(`kept ${tempDir}`);
    else rmSync(tempDir, { recursive: true, force: true, maxRetries: 3 });
  })();
  return cleaningUp;
}
function killGroup(signal) {
  try {
    process.kill(-server.pid, signal);
  } catch {
    // already gone
  }
}
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => {
    log(`${signal}: stopping`);
    cleanup().finally(() => process.exit(130));
  });
}

function freePort() {
  return new Promise((resolvePort, reject) => {
    const probe = createServer();
    probe.unref();
    probe.on('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address();
      probe.close(() => resolvePort(port));
    });
  });
}

function tail(file, lines = 40) {
  try {
    return readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}

/** Log files VS Code wrote under the user data dir (extension host, server), newest last. */
function vscodeLogs() {
  const found = [];
  const walk = (dir) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const full = join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.name.endsWith('.log')) found.push(full);
    }
  };
  try {
    walk(join(userDataDir, 'logs'));
  } catch {
    // none yet
  }
  return found.sort((a, b) => statSync(a).mtimeMs - statSync(b).mtimeMs);
}

async function screenshot(page, name) {
  if (!page) return undefined;
  mkdirSync(screenshotsDir, { recursive: true });
  const file = join(screenshotsDir, name);
  try {
    await page.screenshot({ path: file, timeout: 10_000 });
    return file;
  } catch (error) {
    log(`could not take a screenshot: ${error.message}`);
    return undefined;
  }
}

function printResults(summary) {
  console.log('');
  for (const test of summary.tests) {
    const duration = test.durationMs !== undefined ? ` (${test.durationMs} ms)` : '';
    console.log(`  ${test.state === 'passed' ? 'pass' : 'FAIL'}  ${test.title}${duration}`);
  }
  const failures = summary.tests.filter((t) => t.state !== 'passed');
  if (failures.length > 0) {
    console.log('\nFailures:');
    failures.forEach((test, i) => {
      console.log(`\n  ${i + 1}) ${test.title}`);
      console.log(String(test.error ?? '(no error recorded)').replace(/^/gm, '     '));
    });
  }
  console.log('');
}

/**
 * Runs the UI tests in the open workbench, one after another in one window. Each file exports
 * `tests: [{ name, run(context) }]`; a test fails when `run` throws (a screenshot `fail-<n>.png` is
 * saved). The context: { page, workspaceDir, screenshot(name), log, deadline }.
 */
async function runUiTests(page, startedAt) {
  await page.locator('.monaco-workbench').first().waitFor({ timeout: 60_000 });
  const summary = { passed: 0, failed: 0, tests: [] };
  let index = 0;
  for (const file of uiFiles) {
    const { tests } = await import(pathToFileURL(file).href);
    for (const test of tests) {
      index++;
      if (args.grep && !new RegExp(args.grep).test(test.name)) continue;
      const testStart = Date.now();
      log(`UI test: ${test.name}`);
      try {
        await test.run({
          page,
          workspaceDir,
          log,
          deadline: startedAt + timeoutMs,
          screenshot: async (name) => {
            const saved = await screenshot(page, name);
            if (saved) log(`screenshot: ${relative(repoRoot, saved)}`);
            return saved;
          },
        });
        summary.passed++;
        summary.tests.push({ title: test.name, state: 'passed', durationMs: Date.now() - testStart });
      } catch (error) {
        summary.failed++;
        const shot = await screenshot(page, `fail-${index}.png`);
        summary.tests.push({
          title: test.name,
          state: 'failed',
          durationMs: Date.now() - testStart,
          error: `${error.stack ?? error}${shot ? `\n(screenshot: ${relative(repoRoot, shot)})` : ''}`,
        });
      }
    }
  }
  return summary;
}

// --- Run -----------------------------------------------------------------------------------------
let exitCode = 1;
let countsLine; // printed last, after cleanup, so that it is the closing line
let page;
try {
  const port = await freePort();
  const authority = `127.0.0.1:${port}`;
  const env = { ...process.env };
  // Variables of a VS Code this harness might be started from would confuse the one it starts.
  for (const key of Object.keys(env)) if (key.startsWith('VSCODE_') || key === 'ELECTRON_RUN_AS_NODE') delete env[key];
  env.XDG_CONFIG_HOME = join(tempDir, 'xdg-config');
  env.XDG_DATA_HOME = join(tempDir, 'xdg-data');
  // No extension gallery: these machines are offline, and the tests install no extension.
  env.EXTENSIONS_GALLERY = '{}';

  log(`starting code-server ${CODE_SERVER_VERSION} on ${authority}`);
  const serverOut = createWriteStream(codeServerLog);
  server = spawn(
    process.execPath,
    [
      codeServerEntry,
      '--auth', 'none',
      '--bind-addr', authority,
      '--disable-telemetry',
      '--disable-update-check',
      '--disable-workspace-trust',
      '--user-data-dir', userDataDir,
      '--extensions-dir', extensionsDir,
      workspaceDir,
    ],
    { cwd: tempDir, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  server.stdout.pipe(serverOut);
  server.stderr.pipe(serverOut);
  server.on('exit', () => {
    serverExited = true;
  });

  const serverStart = Date.now();
  for (;;) {
    if (serverExited) throw new Error(`code-server exited at start:\n${tail(codeServerLog)}`);
    try {
      const response = await fetch(`http://${authority}/healthz`, { signal: AbortSignal.timeout(2000) });
      if (response.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() - serverStart > 60_000) throw new Error(`code-server did not answer within 60 s:\n${tail(codeServerLog)}`);
    await sleep(200);
  }
  log(`code-server ready (${seconds(serverStart)})`);

  const browserConsole = createWriteStream(browserLog);
  browser = await chromium.launch({
    executablePath: chromiumPath,
    headless: true,
    // Signals are handled here (cleanup then exit), not by Playwright, which would exit at once.
    handleSIGINT: false,
    handleSIGTERM: false,
    handleSIGHUP: false,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
  page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  page.on('console', (message) => browserConsole.write(`[${message.type()}] ${message.text()}\n`));
  page.on('pageerror', (error) => browserConsole.write(`[pageerror] ${error.stack ?? error.message}\n`));
  page.on('response', (response) => {
    if (response.status() >= 400) browserConsole.write(`[http ${response.status()}] ${response.url()}\n`);
  });
  page.on('requestfailed', (request) => browserConsole.write(`[request failed] ${request.url()} ${request.failure()?.errorText ?? ''}\n`));
  // Only this machine: any request the workbench makes elsewhere is refused (and noted in the log).
  await page.route(
    (url) => /^(https?|wss?):$/.test(url.protocol) && url.hostname !== '127.0.0.1' && url.hostname !== 'localhost',
    (route) => {
      browserConsole.write(`[blocked] ${route.request().url()}\n`);
      return route.abort('blockedbyclient');
    },
  );

  const remote = (path) => `vscode-remote://${authority}${path}`;
  const payload = [
    ['extensionDevelopmentPath', remote(extensionPath)],
    ...(args.ui ? [] : [['extensionTestsPath', remote(wrapperFile)]]),
  ];
  const url = `http://${authority}/?folder=${encodeURIComponent(workspaceDir)}&payload=${encodeURIComponent(JSON.stringify(payload))}`;
  log(`opening the workbench with ${args.extension ? extensionPath : 'this repo'} as the extension under development`);
  await page.goto(url, { waitUntil: 'domcontentloaded', timeout: 60_000 });

  const testsStart = Date.now();
  let summary = args.ui ? await runUiTests(page, testsStart) : undefined;
  while (!summary) {
    if (existsSync(resultsFile)) {
      summary = JSON.parse(readFileSync(resultsFile, 'utf8'));
      break;
    }
    if (serverExited) throw new Error(`code-server exited while the tests ran:\n${tail(codeServerLog)}`);
    if (Date.now() - testsStart > timeoutMs) {
      const shot = await screenshot(page, 'timeout.png');
      console.error(`[vscode-test] error: no test results after ${args.timeout} s`);
      if (shot) console.error(`[vscode-test] screenshot: ${relative(repoRoot, shot)}`);
      console.error(`\n--- code-server log (last lines) ---\n${tail(codeServerLog)}`);
      for (const file of vscodeLogs().filter((f) => /exthost|remoteagent|server/i.test(f)).slice(-3)) {
        console.error(`\n--- ${relative(userDataDir, file)} (last lines) ---\n${tail(file, 30)}`);
      }
      console.error(`\n--- browser console (last lines) ---\n${tail(browserLog, 20)}`);
      throw Object.assign(new Error('timed out'), { reported: true });
    }
    await sleep(250);
  }
  log(`tests finished ${seconds(testsStart)} after opening the workbench`);

  printResults(summary);
  // Let the editor the tests left open paint, then keep a picture of the workbench.
  await page.locator('.monaco-workbench').first().waitFor({ timeout: 5000 }).catch(() => {});
  await sleep(500);
  const shot = await screenshot(page, args.ui ? 'after-ui-tests.png' : 'after-tests.png');
  if (shot) log(`screenshot: ${relative(repoRoot, shot)}`);
  writeFileSync(releaseFile, '');
  const total = summary.passed + summary.failed;
  if (total === 0) console.log('no integration test ran');
  countsLine = `${summary.passed} passed, ${summary.failed} failed`;
  exitCode = summary.failed === 0 && total > 0 ? 0 : 1;
} catch (error) {
  if (!error.reported) console.error(`[vscode-test] error: ${error.stack ?? error}`);
  exitCode = 1;
} finally {
  await cleanup();
}
log(`done in ${seconds()}`);
if (countsLine) console.log(countsLine);
process.exit(exitCode);
