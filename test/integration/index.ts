/**
 * Entry point VS Code loads as `extensionTestsPath`: runs the compiled integration tests
 * (`dist/test/integration/**\/*.test.js`) with mocha inside the extension host and writes a JSON
 * summary for the harness (`test/vscode/run.mjs`), which cannot see the extension host's console.
 *
 * Where the summary goes: `run.mjs` does not point VS Code at this file directly but at a small
 * per-run wrapper in its temp folder that calls `runTests({ resultsFile, grep })`. Loaded directly
 * (e.g. by `@vscode/test-electron`), `run()` writes to `$RESEARCH_TEST_RESULTS` if that is set, and
 * otherwise only fails the run when a test fails.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import Mocha from 'mocha';

export interface TestResult {
  title: string;
  state: 'passed' | 'failed';
  durationMs?: number;
  error?: string;
}

export interface TestSummary {
  passed: number;
  failed: number;
  tests: TestResult[];
}

export interface RunOptions {
  /** Where to write the JSON summary. */
  resultsFile?: string;
  /** Runs only the tests whose full title matches this regular expression. */
  grep?: string;
  /** Per-test timeout in milliseconds. */
  timeoutMs?: number;
}

/** The compiled `*.test.js` files beside this bundle, in a stable order. */
function findTestFiles(dir: string): string[] {
  const files: string[] = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) files.push(...findTestFiles(full));
    else if (entry.name.endsWith('.test.js')) files.push(full);
  }
  return files.sort();
}

function describeError(error: unknown): string {
  if (error instanceof Error) return error.stack ?? `${error.name}: ${error.message}`;
  return String(error);
}

function writeSummary(file: string | undefined, summary: TestSummary): void {
  if (!file) return;
  fs.mkdirSync(path.dirname(file), { recursive: true });
  // Written to a temp name and renamed, so the harness never reads half a file.
  const temp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(temp, JSON.stringify(summary, null, 2));
  fs.renameSync(temp, file);
}

export async function runTests(options: RunOptions = {}): Promise<TestSummary> {
  const summary: TestSummary = { passed: 0, failed: 0, tests: [] };
  try {
    const mocha = new Mocha({ ui: 'bdd', color: false, timeout: options.timeoutMs ?? 60_000, reporter: 'spec' });
    if (options.grep) mocha.grep(new RegExp(options.grep));
    // `__dirname` is dist/test/integration once bundled.
    for (const file of findTestFiles(__dirname)) mocha.addFile(file);

    await new Promise<void>((resolve) => {
      const runner = mocha.run(() => resolve());
      runner.on('pass', (test: Mocha.Test) => {
        summary.passed++;
        summary.tests.push({ title: test.fullTitle(), state: 'passed', durationMs: test.duration });
      });
      // Also fires for failing hooks ("before all" hook ...), which count as one failure each.
      runner.on('fail', (test: Mocha.Runnable, error: unknown) => {
        summary.failed++;
        summary.tests.push({ title: test.fullTitle(), state: 'failed', durationMs: test.duration, error: describeError(error) });
      });
    });
  } catch (error) {
    // Loading a test file failed (syntax error, a throwing top level): report it as a failure.
    summary.failed++;
    summary.tests.push({ title: 'loading the integration tests', state: 'failed', error: describeError(error) });
  }
  writeSummary(options.resultsFile, summary);
  return summary;
}

/** Called by VS Code (`extensionTestsPath`); rejects when a test failed, as test runners expect. */
export async function run(): Promise<void> {
  const summary = await runTests({ resultsFile: process.env.RESEARCH_TEST_RESULTS, grep: process.env.RESEARCH_TEST_GREP });
  if (summary.failed > 0) throw new Error(`${summary.failed} integration test(s) failed`);
}
