#!/usr/bin/env node
// `npm test`: type-check, build, unit tests (mocha), then integration tests inside a real VS Code
// (test/vscode/run.mjs) and end-to-end UI tests in it (test/vscode/run.mjs --ui, test/ui/*.ui.mjs). Prints every suite's output and ends with one line "N passed, N failed"
// summing all suites, which is what CI reads. Exits non-zero if any step or test failed.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const skipIntegration = process.argv.includes('--unit-only');
const npx = process.platform === 'win32' ? 'npx.cmd' : 'npx';

/** Runs a command, streaming its output, and returns its exit code and output. */
function step(title, command, args) {
  process.stdout.write(`\n▶ ${title}\n`);
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd: root, stdio: ['ignore', 'pipe', 'pipe'], env: process.env });
    let output = '';
    child.stdout.on('data', (d) => {
      output += d;
      process.stdout.write(d);
    });
    child.stderr.on('data', (d) => {
      output += d;
      process.stderr.write(d);
    });
    child.on('close', (code) => resolve({ code: code ?? 1, output }));
  });
}

const count = (text, re) => Number(text.match(re)?.[1] ?? 0);
let passed = 0;
let failed = 0;
let broken = false;

// A step that fails before any test runs counts as one failure: the last line is what CI reads, and it
// must never say "0 failed" when the code does not even type-check.
const stepFailed = () => {
  broken = true;
  failed += 1;
};

const types = await step('type-check', npx, ['tsc', '--noEmit']);
if (types.code !== 0) stepFailed();
// The webview's page scripts are browser code with their own config (the DOM types).
const webviewTypes = await step('type-check (webview)', npx, ['tsc', '--noEmit', '-p', 'src/webview']);
if (webviewTypes.code !== 0) stepFailed();

const build = await step('build', process.execPath, ['esbuild.js']);
if (build.code !== 0) stepFailed();

const unit = await step('unit tests', npx, ['mocha']);
passed += count(unit.output, /(\d+) passing/);
failed += count(unit.output, /(\d+) failing/);
if (unit.code !== 0 && count(unit.output, /(\d+) failing/) === 0) stepFailed();

if (!skipIntegration && existsSync(path.join(root, 'test/vscode/run.mjs'))) {
  // One cache path for the setup (bash) and the harness (node), even where HOME is unset.
  process.env.RESEARCH_VSCODE_TEST_CACHE ||= path.join(
    process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache'),
    'research-dispatcher-vscode-test',
  );
  // Installs code-server and Chromium the first time (cached afterwards; returns at once).
  const setup = await step('real VS Code for the integration tests', 'bash', ['test/vscode/setup.sh']);
  const integration =
    setup.code === 0
      ? await step('integration tests in VS Code', process.execPath, ['test/vscode/run.mjs', '--no-build'])
      : { code: setup.code, output: '' };
  const summary = integration.output.match(/^(\d+) passed, (\d+) failed$/m);
  if (summary) {
    passed += Number(summary[1]);
    failed += Number(summary[2]);
  }
  // The suite could not run: counted as a failure so it cannot pass silently.
  if (integration.code !== 0 && !(summary && Number(summary[2]) > 0)) stepFailed();

  // End-to-end UI tests (test/ui/*.ui.mjs): the same real VS Code, driven as a person would through
  // the palette, the tree and the editors. Counted like the integration tests, from their last line.
  if (setup.code === 0 && existsSync(path.join(root, 'test/ui'))) {
    const ui = await step('UI tests in VS Code', process.execPath, ['test/vscode/run.mjs', '--no-build', '--ui']);
    const uiSummary = ui.output.match(/^(\d+) passed, (\d+) failed$/m);
    if (uiSummary) {
      passed += Number(uiSummary[1]);
      failed += Number(uiSummary[2]);
    }
    if (ui.code !== 0 && !(uiSummary && Number(uiSummary[2]) > 0)) stepFailed();
  }
}

if (broken) process.stdout.write('\nA step failed before its tests could be counted (see above).\n');
process.stdout.write(`\n${passed} passed, ${failed} failed\n`);
process.exit(broken || failed > 0 ? 1 : 0);
