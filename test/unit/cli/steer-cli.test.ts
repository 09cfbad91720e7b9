import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
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
});
