import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { buildCli, lastLine, runCli as runBuiltCli, writeSimulatedPlan, type CliRunOptions } from '../../support/run-cli';

/** Resumed runs re-run a whole plan: they get longer than the default before they count as hung. */
function runCli(args: string[], env: NodeJS.ProcessEnv = {}, onStdoutLine?: CliRunOptions['onStdoutLine']) {
  return runBuiltCli(args, { env, onStdoutLine, timeoutMs: 60_000 });
}

function tempDir(): string {
  return mkdtempSync(path.join(tmpdir(), 'rd-resume-cli-'));
}

function journalLines(dir: string, runId: string): { type: string; taskId?: string; outcome?: string; to?: string }[] {
  const file = path.join(dir, '.research', runId, 'journal.jsonl');
  if (!existsSync(file)) return [];
  // The last line may be torn while the run writes it: keep whole lines only.
  const text = readFileSync(file, 'utf8');
  return text
    .slice(0, text.lastIndexOf('\n') + 1)
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as { type: string; taskId?: string });
}

describe('CLI: runs that survive', function () {
  this.timeout(120_000);

  before(buildCli);

  it('a run killed with SIGKILL mid-way, then resumed, completes — and no task finished before the kill runs twice', async () => {
    const dir = tempDir();
    const log = path.join(dir, 'attempts.log');
    const searches = Array.from({ length: 12 }, (_, i) => ({ id: `s${i}`, kind: 'search', description: `search ${i}`, simulate: { ms: 150 } }));
    const plan = writeSimulatedPlan(dir, [...searches, { id: 'final', kind: 'synthesize', description: 'final', dependsOn: searches.map((s) => s.id), simulate: { ms: 50 } }]);

    let runId = '';
    let killedAfter: string[] = [];
    const polls: NodeJS.Timeout[] = [];
    const first = await runCli(['--plan', plan, '--dir', dir, '--json', '--concurrency', '2'], { RESEARCH_SIMULATE_LOG: log }, (line, child) => {
      const event = JSON.parse(line) as { type: string; runId?: string };
      if (event.type !== 'run:start' || runId) return;
      runId = event.runId!;
      // Watch the journal, not stdout: kill as soon as some tasks are journalled as done and others are not.
      const poll = setInterval(() => {
        const done = journalLines(dir, runId).filter((r) => r.type === 'task:result').map((r) => r.taskId!);
        if (done.length >= 2 && done.length < 13) {
          clearInterval(poll);
          child.kill('SIGKILL');
        }
      }, 5);
      polls.push(poll);
    });
    polls.forEach(clearInterval);
    assert.equal(first.signal, 'SIGKILL', `the run was killed mid-way (exit ${first.code})`);
    const journalAtKill = journalLines(dir, runId);
    killedAfter = journalAtKill.filter((r) => r.type === 'task:result').map((r) => r.taskId!);
    assert.ok(killedAfter.length >= 2 && killedAfter.length < 13, `${killedAfter.length} tasks had finished`);
    assert.ok(!journalAtKill.some((r) => r.type === 'run:end'));
    assert.ok(existsSync(path.join(dir, '.research', runId, 'lock')), 'the dead process left its lock behind');

    const history = await runCli(['--history', '--dir', dir]);
    assert.equal(history.code, 0, history.stderr);
    assert.match(history.stdout, new RegExp(`interrupted \\(resumable\\).*${runId}.*simulated`));

    const resumed = await runCli(['--resume', runId, '--dir', dir, '--json'], { RESEARCH_SIMULATE_LOG: log });
    assert.equal(resumed.code, 0, resumed.stderr);
    assert.match(resumed.stderr, /was left locked by process \d+, which is no longer running; taking it over/);
    assert.match(resumed.stderr, new RegExp(`resuming run ${runId}: ${killedAfter.length} of 13 tasks already done, ${13 - killedAfter.length} to run`));
    const report = JSON.parse(lastLine(resumed.stdout)) as { outcome: string; reportPath: string };
    assert.equal(report.outcome, 'completed');
    assert.equal(report.reportPath, path.join(dir, '.research', runId, 'report.md'));
    assert.doesNotMatch(readFileSync(report.reportPath, 'utf8'), /This report is partial/);

    const attempts = new Map<string, number>();
    for (const line of readFileSync(log, 'utf8').trim().split('\n')) {
      const id = line.split(' ')[0]!;
      attempts.set(id, (attempts.get(id) ?? 0) + 1);
    }
    for (const id of killedAfter) assert.equal(attempts.get(id), 1, `${id} finished before the kill and ran ${attempts.get(id)} times in all`);
    for (const id of [...searches.map((s) => s.id), 'final']) assert.ok((attempts.get(id) ?? 0) >= 1, `${id} ran`);
    const executedByResume = journalLines(dir, runId).filter((r) => r.type === 'task:result').length - killedAfter.length;
    assert.equal(executedByResume, 13 - killedAfter.length, 'each remaining task completed once, restored ones were not journalled again');

    const again = await runCli(['--resume', runId, '--dir', dir]);
    assert.equal(again.code, 0);
    assert.match(again.stderr, new RegExp(`run ${runId} already completed; nothing to resume`));
    assert.equal(lastLine(again.stdout), report.reportPath);
  });

  it('Ctrl-C closes the journal with run:end cancelled, exits 130, and the run resumes to completion', async () => {
    const dir = tempDir();
    const log = path.join(dir, 'attempts.log');
    const plan = writeSimulatedPlan(dir, [
      { id: 'quick', kind: 'search', description: 'quick', simulate: { ms: 1 } },
      { id: 'slow', kind: 'search', description: 'slow', dependsOn: ['quick'], simulate: { ms: 1500 } },
    ]);
    let runId = '';
    let sent = false;
    const run = await runCli(['--plan', plan, '--dir', dir, '--json'], { RESEARCH_SIMULATE_LOG: log }, (line, child) => {
      const event = JSON.parse(line) as { type: string; runId?: string; taskId?: string; to?: string };
      if (event.type === 'run:start') runId = event.runId!;
      if (!sent && event.type === 'task:state' && event.taskId === 'slow' && event.to === 'RUNNING') {
        sent = true;
        child.kill('SIGINT');
      }
    });
    assert.equal(run.code, 130, run.stderr);
    const journal = journalLines(dir, runId);
    assert.equal(journal.at(-1)!.type, 'run:end');
    assert.equal(journal.at(-1)!.outcome, 'cancelled');
    assert.ok(!existsSync(path.join(dir, '.research', runId, 'lock')), 'the lock is released on Ctrl-C');
    assert.match(readFileSync(path.join(dir, '.research', runId, 'report.md'), 'utf8'), /cancelled before it finished/);

    const history = await runCli(['--history', '--json', '--dir', dir]);
    const [info] = history.stdout.trim().split('\n').map((l) => JSON.parse(l) as { status: string; resumable: boolean; tasks: { completed: number } });
    assert.equal(info!.status, 'cancelled');
    assert.equal(info!.resumable, true);
    assert.equal(info!.tasks.completed, 1);

    const resumed = await runCli(['--resume', runId, '--dir', dir], { RESEARCH_SIMULATE_LOG: log });
    assert.equal(resumed.code, 0, resumed.stderr);
    assert.doesNotMatch(readFileSync(lastLine(resumed.stdout), 'utf8'), /This report is partial/);
    assert.deepEqual(readFileSync(log, 'utf8').trim().split('\n'), ['quick 1', 'slow 1', 'slow 1'], 'quick ran once; slow, cut short, ran again');
  });

  it('refuses a resume it cannot do, saying why, with exit 2', async () => {
    const dir = tempDir();
    const cases: [string[], RegExp][] = [
      [['--resume', '20261125-000000-zzzz', '--dir', dir], /there is no run "20261125-000000-zzzz" in .*; it holds no runs/],
      [['--resume', '../outside', '--dir', dir], /"\.\.\/outside" is not a run id/],
      [['--resume', 'x', 'a question', '--dir', dir], /--resume continues a run with its own question and plan/],
    ];
    for (const [args, message] of cases) {
      const run = await runCli(args);
      assert.equal(run.code, 2, `${args.join(' ')}: ${run.stderr}`);
      assert.match(run.stderr, message);
    }
  });

  it('runs a plan of 5,000 tasks and refuses one over --max-tasks clearly', async () => {
    const dir = tempDir();
    const tasks = Array.from({ length: 5000 }, (_, i) => ({ id: `t${i}`, kind: 'search', description: `t${i}`, dependsOn: i === 0 ? [] : [`t${Math.floor(i / 2)}`], simulate: { ms: 0 } }));
    const plan = writeSimulatedPlan(dir, tasks);
    const ok = await runCli(['--plan', plan, '--dir', dir, '--max-tasks', '5000', '--concurrency', '64']);
    assert.equal(ok.code, 0, ok.stderr.slice(-2000));
    assert.match(readFileSync(lastLine(ok.stdout), 'utf8'), /\| Tasks \| 5000 \(5000 completed\) \|/);
    const refused = await runCli(['--plan', plan, '--dir', dir, '--max-tasks', '4999']);
    assert.equal(refused.code, 2);
    assert.match(refused.stderr, /the plan has 5000 tasks, more than the maximum of 4999: split the question or raise the maximum/);
  });
});
