import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { buildCli, runCli } from '../../support/run-cli';

/** The CLI's ways to steer a run: the report's depth, the plan under review, follow-ups. */
describe('CLI: steering a run', function () {
  this.timeout(60_000);
  let dir: string;

  before(buildCli);
  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'rd-steer-'));
    writeFileSync(path.join(dir, 'tides.md'), '# Tides\n\nThe spring tide tables are pinned above the chart table in the harbour office.\n');
    writeFileSync(path.join(dir, 'ferry.md'), '# Ferry\n\nThe quokka ferry protocol requires exactly seventeen brass lanterns on every night crossing.\n');
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  describe('--depth', () => {
    it('brief writes the answer and its sources only', async () => {
      const out = path.join(dir, 'brief.md');
      const run = await runCli(['Where are the spring tide tables pinned?', '--dir', dir, '--depth', 'brief', '--out', out]);
      assert.equal(run.code, 0, run.stderr);
      const report = readFileSync(out, 'utf8');
      assert.deepEqual([...report.matchAll(/^## (.+)$/gm)].map((m) => m[1]), ['Answer', 'Sources']);
      assert.match(report, /pinned above the chart table/);
    });

    it('refuses a depth that is not one, and a depth on a resume, with exit 2', async () => {
      const bad = await runCli(['tides', '--dir', dir, '--depth', 'huge']);
      assert.equal(bad.code, 2);
      assert.match(bad.stderr, /--depth "huge" is not one of brief, standard, detailed/);
      const resume = await runCli(['--dir', dir, '--resume', '20260101-000000-abcd', '--depth', 'brief']);
      assert.equal(resume.code, 2);
      assert.match(resume.stderr, /--depth is for a new run/);
    });
  });

  describe('--review and --plan-only', () => {
    it('--review without a terminal is refused with exit 2, pointing at --plan-only and --plan; nothing is planned or written', async () => {
      const run = await runCli(['Where are the tide tables?', '--dir', dir, '--review']);
      assert.equal(run.code, 2, run.stderr);
      assert.match(run.stderr, /--review asks on a terminal.*--plan-only > plan\.json.*--plan plan\.json/);
      assert.equal(existsSync(path.join(dir, '.research')), false);
    });

    it('--plan-only prints the plan as JSON and runs nothing; --plan runs it as edited', async () => {
      const planned = await runCli(['Where are the spring tide tables pinned?', '--dir', dir, '--plan-only']);
      assert.equal(planned.code, 0, planned.stderr);
      const plan = JSON.parse(planned.stdout) as { question: string; tasks: { id: string; kind: string; description: string }[] };
      assert.equal(plan.question, 'Where are the spring tide tables pinned?');
      assert.ok(plan.tasks.some((t) => t.kind === 'synthesize'));
      assert.doesNotMatch(planned.stderr, /discarded/);
      assert.equal(existsSync(path.join(dir, '.research')), false, 'no run folder');

      plan.tasks[0]!.description = 'Find where the tables hang';
      const file = path.join(dir, 'plan.json');
      writeFileSync(file, JSON.stringify(plan));
      const out = path.join(dir, 'report.md');
      const run = await runCli(['--dir', dir, '--plan', file, '--out', out]);
      assert.equal(run.code, 0, run.stderr);
      assert.match(readFileSync(out, 'utf8'), /pinned above the chart table/);
    });

    it('--plan-only goes with a question only', async () => {
      const run = await runCli(['--dir', dir, '--plan-only', '--plan', 'x.json']);
      assert.equal(run.code, 2);
      assert.match(run.stderr, /--plan-only makes a plan and prints it/);
    });
  });

  describe('--follow-up', () => {
    it('asks a follow-up on a finished run: only the new round runs, the report gains its section, --history shows it', async () => {
      const first = await runCli(['Where are the spring tide tables pinned?', '--dir', dir, '--json']);
      assert.equal(first.code, 0, first.stderr);
      const runId = JSON.parse(first.stdout.trim().split('\n')[0]!).runId as string;
      const follow = await runCli(['--dir', dir, '--follow-up', runId, 'How many brass lanterns are required?']);
      assert.equal(follow.code, 0, follow.stderr);
      assert.match(follow.stderr, /follow-up on run .*: \d+ tasks kept with their evidence, \d+ to run/);
      const report = readFileSync(follow.stdout.trim().split('\n').at(-1)!, 'utf8');
      assert.match(report, /^## Follow-up: How many brass lanterns are required\?$/m);
      assert.match(report, /seventeen brass lanterns/);
      const history = await runCli(['--dir', dir, '--history']);
      assert.match(history.stdout, /Where are the spring tide tables pinned\? \(\+1 follow-up\)/);
    });

    it('needs the follow-up question, and goes with nothing that changes the plan', async () => {
      const bare = await runCli(['--dir', dir, '--follow-up', '20260101-000000-abcd']);
      assert.equal(bare.code, 2);
      assert.match(bare.stderr, /--follow-up needs the follow-up question/);
      const clash = await runCli(['more', '--dir', dir, '--follow-up', '20260101-000000-abcd', '--depth', 'brief']);
      assert.equal(clash.code, 2);
      assert.match(clash.stderr, /leave out --depth/);
    });
  });
});
