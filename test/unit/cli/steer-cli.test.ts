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
});
