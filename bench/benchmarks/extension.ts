/**
 * Benchmark 6: the extension's start-up cost and size. Activation is timed in plain Node with a
 * stubbed `vscode` module (see support/vscode-stub.ts) — the extension's own work in activate(),
 * not VS Code's. Sizes: the production bundle, and the .vsix when the build can package one.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';
import { bytes, ms, spread, summarize, table } from '../support/measure';
import { createContext, createVscodeModule, installVscodeStub, loadCommonJs } from '../../test/support/vscode-stub';
import type { BenchContext, BenchSection } from './types';

const ROOT = path.resolve(__dirname, '..', '..');
const run = promisify(execFile);

/** The baseline: the smallest extension there is — one command registered. */
const MINIMAL_EXTENSION = `const vscode = require('vscode');
exports.activate = (context) => { context.subscriptions.push(vscode.commands.registerCommand('minimal.hello', () => undefined)); };`;

interface Timing {
  firstLoadMs: number;
  firstActivateMs: number;
  load: number[];
  activate: number[];
  error?: string;
}

async function timeActivation(file: string, repetitions: number): Promise<Timing> {
  const source = await readFile(file, 'utf8');
  const timing: Timing = { firstLoadMs: NaN, firstActivateMs: NaN, load: [], activate: [] };
  const uninstall = installVscodeStub(createVscodeModule());
  try {
    for (let i = 0; i <= repetitions; i++) {
      let t0 = performance.now();
      const exports = loadCommonJs(file, source);
      const loadMs = performance.now() - t0;
      const activate = exports.activate as (context: unknown) => unknown;
      t0 = performance.now();
      await activate(createContext());
      const activateMs = performance.now() - t0;
      if (i === 0) {
        timing.firstLoadMs = loadMs;
        timing.firstActivateMs = activateMs;
      } else {
        timing.load.push(loadMs);
        timing.activate.push(activateMs);
      }
      await (exports.deactivate as (() => unknown) | undefined)?.();
    }
  } catch (error) {
    timing.error = error instanceof Error ? error.message : String(error);
  } finally {
    uninstall();
  }
  return timing;
}

async function packageVsix(ctx: BenchContext): Promise<{ sizeBytes?: number; note: string }> {
  const pkg = JSON.parse(await readFile(path.join(ROOT, 'package.json'), 'utf8')) as { scripts?: Record<string, string> };
  if (!pkg.scripts?.package) return { note: 'n/a: packaging not available in this build (no `npm run package`)' };
  if (ctx.quick) return { note: 'not built in the quick run (`npm run bench` packages it)' };
  const before = Date.now();
  try {
    await run(process.platform === 'win32' ? 'npm.cmd' : 'npm', ['run', '-s', 'package'], { cwd: ROOT, timeout: 300_000, maxBuffer: 16 * 2 ** 20 });
  } catch (error) {
    return { note: `n/a: \`npm run package\` failed (${error instanceof Error ? error.message.split('\n')[0] : String(error)})` };
  }
  const candidates: { file: string; mtime: number; size: number }[] = [];
  for (const name of await readdir(ROOT)) {
    if (!name.endsWith('.vsix')) continue;
    const info = await stat(path.join(ROOT, name));
    if (info.mtimeMs >= before - 1000) candidates.push({ file: name, mtime: info.mtimeMs, size: info.size });
  }
  const newest = candidates.sort((a, b) => b.mtime - a.mtime)[0];
  return newest ? { sizeBytes: newest.size, note: `\`npm run package\` → ${newest.file}` } : { note: 'n/a: `npm run package` wrote no .vsix in the repository folder' };
}

export async function benchExtension(ctx: BenchContext): Promise<BenchSection> {
  const repetitions = ctx.quick ? 5 : 20;
  const dir = await mkdtemp(path.join(os.tmpdir(), 'research-bench-ext-'));
  try {
    // The same bundle `vscode:prepublish` makes: minified, vscode external.
    const bundle = path.join(dir, 'extension.js');
    await build({
      entryPoints: [path.join(ROOT, 'src/extension/extension.ts')],
      outfile: bundle,
      bundle: true,
      format: 'cjs',
      platform: 'node',
      target: 'node20',
      minify: true,
      external: ['vscode'],
      // As esbuild.js does: jsonc-parser's UMD "main" requires its own files in a way esbuild cannot follow.
      alias: { 'jsonc-parser': path.join(ROOT, 'node_modules/jsonc-parser/lib/esm/main.js') },
      logLevel: 'error',
    });
    const minimal = path.join(dir, 'minimal.js');
    await writeFile(minimal, MINIMAL_EXTENSION, 'utf8');
    const bundleSource = await readFile(bundle);
    const ours = await timeActivation(bundle, repetitions);
    const floor = await timeActivation(minimal, repetitions);
    const vsix = await packageVsix(ctx);
    ctx.log(`  activate(): first ${ms(ours.firstLoadMs + ours.firstActivateMs)}; bundle ${bytes(bundleSource.length)}; .vsix ${vsix.sizeBytes ? bytes(vsix.sizeBytes) : vsix.note}`);

    const cell = (t: Timing, pick: 'load' | 'activate') => (t.error ? `failed: ${t.error}` : spread(summarize(t[pick]), (v) => ms(v)));
    const rows = [
      ['Research Dispatcher (production bundle)', ms(ours.firstLoadMs), ms(ours.firstActivateMs), cell(ours, 'load'), cell(ours, 'activate')],
      ['minimal extension, one command (baseline)', ms(floor.firstLoadMs), ms(floor.firstActivateMs), cell(floor, 'load'), cell(floor, 'activate')],
    ];
    const markdown = [
      `**activate() in Node with a stubbed vscode API** — not inside VS Code. The extension is bundled as \`vscode:prepublish\` does (esbuild, minified, \`vscode\` external), its code is compiled as Node's CommonJS loader would (*load*), and \`activate()\` is called with a stub \`vscode\` module whose every call returns another stub (*activate*). This measures the extension's own start-up work — parsing its bundle, top-level code, registrations — and none of VS Code's. *First* is the first load in the process; *later* are ${repetitions} more loads of the same file in the same process. The baseline is the smallest possible extension (one command).`,
      '',
      table(['extension', 'first load', 'first activate()', `load, later (${repetitions} runs)`, 'activate(), later'], rows),
      '',
      table(
        ['artifact', 'size'],
        [
          ['dist/extension.js, production bundle (minified)', `${bytes(bundleSource.length)} (${bytes(gzipSync(bundleSource).length)} gzipped)`],
          ['.vsix', vsix.sizeBytes !== undefined ? `${bytes(vsix.sizeBytes)} (${vsix.note})` : vsix.note],
        ],
      ),
    ].join('\n');
    return {
      title: '6. Extension: activation and size',
      markdown,
      charts: [],
      headline: [
        `Extension: activate() in Node with a stubbed vscode API takes ${ms(ours.firstLoadMs + ours.firstActivateMs)} on first load (minimal one-command extension: ${ms(floor.firstLoadMs + floor.firstActivateMs)}); production bundle ${bytes(bundleSource.length)}; .vsix ${vsix.sizeBytes !== undefined ? bytes(vsix.sizeBytes) : vsix.note}.`,
      ],
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
