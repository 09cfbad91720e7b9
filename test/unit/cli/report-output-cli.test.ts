import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { buildCli, lastLine, runCli, writeSimulatedPlan } from '../../support/run-cli';

function tempDir(): string {
  return mkdtempSync(path.join(tmpdir(), 'rd-report-out-'));
}

describe('CLI: the report is never lost', function () {
  this.timeout(60_000);

  before(buildCli);

  it('--out an existing folder, or under a file, exits 2 before planning: no run is started', async () => {
    const dir = tempDir();
    const plan = writeSimulatedPlan(dir, [{ id: 'a', kind: 'search', description: 'a', simulate: { ms: 0 } }]);
    const log = path.join(dir, 'attempts.log');
    writeFileSync(path.join(dir, 'notes.txt'), 'a file');
    const cases: [string, RegExp][] = [
      [dir, /the report path .* is a folder: give a file inside it/],
      [path.join(dir, 'notes.txt', 'report.md'), /notes\.txt is a file, not a folder/],
    ];
    for (const [out, message] of cases) {
      const run = await runCli(['--plan', plan, '--dir', dir, '--out', out], { env: { RESEARCH_SIMULATE_LOG: log } });
      assert.equal(run.code, 2, run.stderr);
      assert.match(run.stderr, message);
      assert.doesNotMatch(run.stderr, /\n\s+at /, 'no stack trace');
    }
    assert.equal(existsSync(path.join(dir, '.research')), false, 'no run folder, journal or lock');
    assert.equal(existsSync(log), false, 'no task ran');
  });

  it('when --out cannot be written at the end, the report goes to the run’s folder and the CLI says where', async () => {
    const dir = tempDir();
    const out = path.join(dir, 'out', 'report.md');
    const plan = writeSimulatedPlan(dir, [
      { id: 'quick', kind: 'search', description: 'quick', simulate: { ms: 1 } },
      { id: 'slow', kind: 'search', description: 'slow', dependsOn: ['quick'], simulate: { ms: 60_000 } },
    ]);
    let runId = '';
    let blocked = false;
    const run = await runCli(['--plan', plan, '--dir', dir, '--out', out, '--json'], {
      onStdoutLine: (line, child) => {
        const event = JSON.parse(line) as { type: string; runId?: string; taskId?: string; to?: string };
        if (event.type === 'run:start') runId = event.runId!;
        if (!blocked && event.type === 'task:state' && event.taskId === 'slow' && event.to === 'RUNNING') {
          // After the check: a folder (holding a file) now stands where the report should go.
          blocked = true;
          mkdirSync(out, { recursive: true });
          writeFileSync(path.join(out, 'in-the-way'), 'x');
          child.kill('SIGINT');
        }
      },
    });
    assert.ok(blocked, 'the slow task started');
    assert.equal(run.code, 130, run.stderr);
    const inRunDir = path.join(dir, '.research', runId, 'report.md');
    const last = JSON.parse(lastLine(run.stdout)) as { reportPath: string };
    assert.equal(last.reportPath, inRunDir);
    assert.match(readFileSync(inRunDir, 'utf8'), /cancelled before it finished/);
    assert.match(run.stdout, new RegExp(`"level":"warn","message":"the report could not be written to ${out} \\(.+\\); it was written to ${inRunDir} instead"`));
    assert.equal(existsSync(path.join(dir, '.research', runId, 'lock')), false, 'the lock is released');
  });

  it('--resume of a completed run whose report was deleted writes it again without running a task', async () => {
    const dir = tempDir();
    const log = path.join(dir, 'attempts.log');
    const plan = writeSimulatedPlan(dir, [{ id: 'a', kind: 'search', description: 'a', simulate: { ms: 0 } }]);
    const first = await runCli(['--plan', plan, '--dir', dir], { env: { RESEARCH_SIMULATE_LOG: log } });
    assert.equal(first.code, 0, first.stderr);
    const report = lastLine(first.stdout);
    const runId = path.basename(path.dirname(report));
    rmSync(report);
    const resumed = await runCli(['--resume', runId, '--dir', dir], { env: { RESEARCH_SIMULATE_LOG: log } });
    assert.equal(resumed.code, 0, resumed.stderr);
    assert.doesNotMatch(resumed.stderr, /already completed/);
    assert.equal(lastLine(resumed.stdout), report);
    assert.match(readFileSync(report, 'utf8'), /\| Tasks \| 1 \(1 completed\) \|/);
    assert.deepEqual(readFileSync(log, 'utf8').trim().split('\n'), ['a 1'], 'the task ran once, in the first run');

    const again = await runCli(['--resume', runId, '--dir', dir]);
    assert.equal(again.code, 0);
    assert.match(again.stderr, /already completed; nothing to resume/);
  });
});
