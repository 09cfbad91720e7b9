import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';

/**
 * The repository: the nearest folder up with a package.json. Not a fixed `../..`, because the
 * integration tests bundle this file into dist/test/integration/, one folder deeper than test/support.
 */
export const repo = findRepo(__dirname);

function findRepo(from: string): string {
  for (let dir = from; ; dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, 'package.json'))) return dir;
    if (path.dirname(dir) === dir) throw new Error(`no package.json above ${from}`);
  }
}
export const builtCli = path.join(repo, 'dist', 'cli.js');

export interface CliRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface CliRunOptions {
  /** Default: the repository. */
  cwd?: string;
  /** Added to (and overriding) the test process's environment. */
  env?: NodeJS.ProcessEnv;
  /** Variables of the test process's environment the CLI must not see. */
  dropEnv?: readonly string[];
  /** Called with each complete stdout line; may act on the run while it goes (kill it, send Ctrl-C). */
  onStdoutLine?: (line: string, child: ReturnType<typeof spawn>) => void;
  /** The CLI is killed after this long, so a hang fails its test instead of the suite. Default 30 s. */
  timeoutMs?: number;
}

/**
 * The index cache of every CLI a test runs, unless the test sets its own RESEARCH_CACHE_DIR: tests
 * never write into the developer's cache folder. Made on first use.
 */
let testCacheDir: string | undefined;
function cacheDirForTests(): string {
  testCacheDir ??= mkdtempSync(path.join(tmpdir(), 'rd-test-index-cache-'));
  return testCacheDir;
}

/**
 * Runs the built CLI (dist/cli.js). `INIT_CWD` is cleared so that relative paths resolve against `cwd`,
 * as they do when a person types the command.
 */
export function runCli(args: readonly string[], options: CliRunOptions = {}): Promise<CliRun> {
  const inherited = { ...process.env };
  for (const name of options.dropEnv ?? []) delete inherited[name];
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [builtCli, ...args], {
      cwd: options.cwd ?? repo,
      env: { ...inherited, INIT_CWD: '', RESEARCH_CACHE_DIR: cacheDirForTests(), ...options.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    let partial = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
      if (!options.onStdoutLine) return;
      partial += chunk;
      const lines = partial.split('\n');
      partial = lines.pop()!;
      for (const line of lines) options.onStdoutLine(line, child);
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 30_000);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
  });
}

/**
 * Runs the built CLI for a model-backed test: OPENAI_API_KEY from the developer's shell is dropped, so
 * a test's key is the only one.
 */
export function runModelCli(args: string[], env: NodeJS.ProcessEnv = {}): Promise<CliRun> {
  return runCli(args, { env, dropEnv: ['OPENAI_API_KEY'] });
}

/** The last line the CLI printed on stdout: the report's path. */
export function lastLine(text: string): string {
  return text.trimEnd().split('\n').pop()!;
}

/** Writes `{ question: "simulated", tasks }` to `<dir>/plan.json`, for `--plan`, and returns its path. */
export function writeSimulatedPlan(dir: string, tasks: object[]): string {
  const file = path.join(dir, 'plan.json');
  writeFileSync(file, JSON.stringify({ question: 'simulated', tasks }));
  return file;
}

/** Bundles the CLI into dist/ (about a second), for the tests that run it: call it in `before`. */
export function buildCli(): void {
  execFileSync(process.execPath, ['esbuild.js', '--quiet'], { cwd: repo });
}
