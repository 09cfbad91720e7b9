import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { buildCli, lastLine, repo, runCli, writeSimulatedPlan } from '../../support/run-cli';

function workspace(files: Record<string, string>): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'rd-cli-'));
  for (const [name, text] of Object.entries(files)) {
    mkdirp(path.dirname(path.join(dir, name)));
    writeFileSync(path.join(dir, name), text);
  }
  return dir;
}

function mkdirp(dir: string): void {
  execFileSync('mkdir', ['-p', dir]);
}

describe('CLI', function () {
  this.timeout(60_000);

  before(buildCli);

  it('researches a folder offline and prints the report path as the last line', async () => {
    const dir = workspace({
      'docs/kettle.md': '# Kettles\n\nThe zephyrine kettle boils water in ninety seconds.\n\nIt has a copper base.\n',
      'notes.txt': 'Unrelated notes about gardening and tomatoes.\n',
    });
    const run = await runCli(['How fast does the zephyrine kettle boil water?', '--dir', dir]);
    assert.equal(run.code, 0, run.stderr);
    const reportPath = lastLine(run.stdout);
    assert.ok(reportPath.startsWith(path.join(dir, '.research')), reportPath);
    assert.ok(reportPath.endsWith(`${path.sep}report.md`));
    const report = readFileSync(reportPath, 'utf8');
    assert.match(report, /The zephyrine kettle boils water in ninety seconds\./);
    assert.match(report, /\[docs\/kettle\.md#L(?:1-L)?3\]\(\.\.\/\.\.\/docs\/kettle\.md#L[13]\)/, 'the citation links to the lines, relative to the report');
  });

  it('writes where --out says, with links relative to that place', async () => {
    const dir = workspace({ 'a.md': 'The quintessential widget spins clockwise.\n' });
    const out = path.join(dir, 'reports', 'widget.md');
    const run = await runCli(['Which way does the quintessential widget spin?', '--dir', dir, '--out', out]);
    assert.equal(run.code, 0, run.stderr);
    assert.equal(lastLine(run.stdout), out);
    assert.match(readFileSync(out, 'utf8'), /\[a\.md#L1\]\(\.\.\/a\.md#L1\)/);
  });

  it('under npm run, resolves --dir, --plan and --out against the folder the command was typed in', async () => {
    const dir = workspace({ 'notes/a.md': 'The vermilion kite flies at dawn.\n' });
    writeSimulatedPlan(path.join(dir, 'notes'), [{ id: 'a', kind: 'search', description: 'vermilion kite' }]);
    // npm starts scripts in the package folder and says where the person was in INIT_CWD.
    const run = await runCli(['--plan', 'plan.json', '--out', 'out/report.md'], { cwd: repo, env: { INIT_CWD: path.join(dir, 'notes') } });
    assert.equal(run.code, 0, run.stderr);
    assert.equal(lastLine(run.stdout), path.join(dir, 'notes', 'out', 'report.md'));
    assert.match(readFileSync(lastLine(run.stdout), 'utf8'), /The vermilion kite flies at dawn\./);
  });

  it('--json prints one JSON event per line and ends with the statistics', async () => {
    const dir = workspace({});
    const plan = writeSimulatedPlan(dir, [
      { id: 'a', kind: 'search', description: 'a', simulate: { ms: 5 } },
      { id: 'b', kind: 'synthesize', description: 'b', dependsOn: ['a'], simulate: { ms: 5, failTimes: 1 } },
    ]);
    const run = await runCli(['--plan', plan, '--dir', dir, '--json', '--concurrency', '2']);
    assert.equal(run.code, 0, run.stderr);
    const events = run.stdout.trim().split('\n').map((line) => JSON.parse(line) as { type: string; [k: string]: unknown });
    assert.equal(events[0]!.type, 'run:start');
    assert.ok(events.some((e) => e.type === 'task:retry' && e.taskId === 'b'));
    const last = events[events.length - 1]! as { type: string; reportPath: string; outcome: string; stats: { makespanMs: number; retries: number } };
    assert.equal(last.type, 'report');
    assert.equal(last.outcome, 'completed');
    assert.equal(last.stats.retries, 1);
    assert.ok(last.stats.makespanMs > 0);
    assert.ok(existsSync(last.reportPath));
  });

  it('exits 2 with a message that says what to fix', async () => {
    const dir = workspace({});
    const cases: [string[], RegExp][] = [
      [['   ', '--dir', dir], /question is empty/],
      [['what is the', '--dir', dir], /has no words to search for/],
      [['x'.repeat(100_000), '--dir', dir], /the question is 100,000 characters long; the limit is 4,000/],
      [['--dir', dir], /no question given/],
      [['q', '--dir', path.join(dir, 'missing')], /no such folder/],
      [['q', '--concurrency', '0'], /--concurrency must be a whole number from 1/],
      [['q', '--provider', 'magic'], /unknown provider "magic": available: offline/],
      [['q', '--frobnicate'], /Unknown option '--frobnicate'/],
      [['--plan', writeSimulatedPlan(dir, [
        { id: 'a', kind: 'search', description: 'a', dependsOn: ['b'] },
        { id: 'b', kind: 'search', description: 'b', dependsOn: ['a'] },
      ]), '--dir', dir], /"a" → "b" → "a" form a cycle|"b" → "a" → "b" form a cycle/],
    ];
    for (const [args, message] of cases) {
      const run = await runCli(args);
      assert.equal(run.code, 2, `${args.join(' ')}: ${run.stderr}`);
      assert.match(run.stderr, message);
    }
  });

  it('exits 1 when a task fails, and still writes the report saying what is missing', async () => {
    const dir = workspace({});
    const plan = writeSimulatedPlan(dir, [
      { id: 'ok', kind: 'search', description: 'works', simulate: { ms: 1 } },
      { id: 'flaky', kind: 'search', description: 'keeps failing', simulate: { ms: 1, failTimes: 5 } },
      { id: 'final', kind: 'synthesize', description: 'needs both', dependsOn: ['ok', 'flaky'], simulate: { ms: 1 } },
    ]);
    const run = await runCli(['--plan', plan, '--dir', dir, '--max-retries', '1']);
    assert.equal(run.code, 1, run.stderr);
    const report = readFileSync(lastLine(run.stdout), 'utf8');
    assert.match(report, /This report is partial/);
    assert.match(report, /## What is missing/);
    assert.match(report, /\*\*flaky\*\* \(search, failed\)/);
    assert.match(report, /"flaky", which it needs, failed/);
  });

  it('Ctrl-C cancels, writes the partial report and exits 130', async () => {
    const dir = workspace({});
    const plan = writeSimulatedPlan(dir, [
      { id: 'quick', kind: 'search', description: 'quick', simulate: { ms: 1 } },
      { id: 'slow', kind: 'search', description: 'slow', dependsOn: ['quick'], simulate: { ms: 60_000 } },
    ]);
    let sent = false;
    const run = await runCli(['--plan', plan, '--dir', dir, '--json'], {
      onStdoutLine: (line, child) => {
        const event = JSON.parse(line) as { type: string; taskId?: string; to?: string };
        if (!sent && event.type === 'task:state' && event.taskId === 'slow' && event.to === 'RUNNING') {
          sent = true;
          child.kill('SIGINT');
        }
      },
    });
    assert.ok(sent, 'the slow task started');
    assert.equal(run.code, 130, run.stderr);
    const last = JSON.parse(lastLine(run.stdout)) as { reportPath: string; outcome: string };
    assert.equal(last.outcome, 'cancelled');
    const report = readFileSync(last.reportPath, 'utf8');
    assert.match(report, /cancelled before it finished/);
    assert.match(report, /\*\*slow\*\* \(search, cancelled\)/);
  });
});
