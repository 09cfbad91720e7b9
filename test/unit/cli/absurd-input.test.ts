import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { parseCliArgs } from '../../../src/cli/args';
import { parseWorkerArgs } from '../../../src/cli/worker-main';
import { buildCli, runCli } from '../../support/run-cli';

/** Every lock file left under the folder's .research/ (none must be). */
function locksLeft(dir: string): string[] {
  const out = path.join(dir, '.research');
  if (!existsSync(out)) return [];
  return readdirSync(out).filter((run) => existsSync(path.join(out, run, 'lock')));
}

describe('CLI: absurd input gets a clear error (exit 2), not a stack trace', function () {
  this.timeout(60_000);
  let dir: string;

  before(buildCli);
  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'rd-absurd-'));
    writeFileSync(path.join(dir, 'notes.md'), 'The kettle boils water.\n');
  });

  async function expectUsageError(args: string[], message: RegExp): Promise<void> {
    const run = await runCli([...args, '--dir', dir]);
    assert.equal(run.code, 2, run.stderr);
    assert.match(run.stderr, message);
    assert.doesNotMatch(run.stderr, /RangeError|\n\s+at /, 'no stack trace');
    assert.deepEqual(locksLeft(dir), []);
  }

  for (const timeout of ['1e7', '0.0001']) {
    it(`--timeout ${timeout} is refused with the allowed range`, async () => {
      await expectUsageError(['kettle', '--timeout', timeout], new RegExp(`--timeout must be 0\\.1 to 86400 seconds, not "${timeout.replace('.', '\\.')}"`));
    });
  }

  it('--redis-grace, --budget-usd, --budget-tokens and the worker\'s --lock-timeout say their range (a timer of 1e7 s would overflow)', () => {
    const model = ['--provider', 'openai', '--model', 'm'];
    assert.throws(() => parseCliArgs(['q', '--redis', 'redis://127.0.0.1:1', '--redis-grace', '1e7'], '/'), /--redis-grace must be 0\.1 to 86400 seconds, not "1e7"/);
    assert.throws(() => parseCliArgs(['q', ...model, '--budget-usd=0'], '/'), /--budget-usd must be 0\.000001 to 1000000 US dollars, not "0"/);
    assert.throws(() => parseCliArgs(['q', ...model, '--budget-tokens', 'lots'], '/'), /--budget-tokens must be 1 to 1000000000000 tokens/);
    assert.equal(parseCliArgs(['q', ...model, '--budget-usd', '0.5'], '/').budgetUsd, 0.5);
    assert.equal(parseCliArgs(['q', '--redis', 'redis://127.0.0.1:1'], '/').redisGraceMs, 30_000);
    assert.throws(() => parseWorkerArgs(['--redis', 'redis://127.0.0.1:1', '--lock-timeout', '1e9'], '/'), /--lock-timeout must be 1 to 86400 seconds, not "1e9"/);
  });

  it("a plan's timeoutSeconds of 0.0001 is refused with the allowed range", async () => {
    const plan = path.join(dir, 'plan.json');
    writeFileSync(plan, JSON.stringify({ question: 'q', tasks: [{ id: 'a', kind: 'search', description: 'find', timeoutSeconds: 0.0001 }] }));
    await expectUsageError(['--plan', plan], /tasks\[0\] \("a"\)\.timeoutSeconds: the timeout must be 0\.1 to 86400 seconds/);
  });

  it('--plan /dev/urandom is refused as not a regular file', async () => {
    await expectUsageError(['--plan', '/dev/urandom'], /--plan \/dev\/urandom: not a regular file/);
  });

  it('--plan of a FIFO nobody writes to is refused, not waited on', async () => {
    const fifo = path.join(dir, 'plan.fifo');
    execFileSync('mkfifo', [fifo]);
    await expectUsageError(['--plan', fifo], /plan\.fifo: not a regular file/);
  });

  it('--plan of a file larger than 4 MiB is refused', async () => {
    const plan = path.join(dir, 'huge.json');
    writeFileSync(plan, Buffer.alloc(4 * 1024 * 1024 + 1, 0x20));
    await expectUsageError(['--plan', plan], /huge\.json: the file is larger than 4194304 bytes/);
  });
});
