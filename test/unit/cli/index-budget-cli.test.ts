import { startFaultServer } from '../../support/fault-server';
import { scriptedModel } from '../../support/scripted-model';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { writeHostileFolder } from '../../support/hostile-folder';
import { LOCK_FILE } from '../../../src/core/journal/lock';
import { buildCli, lastLine, runCli } from '../../support/run-cli';

/**
 * Issue 13: a folder of files full of distinct random words ran the CLI out of memory (no report, a
 * stale lock). The same kind of folder, small, with a small budget set through the CLI's test hook
 * RESEARCH_INDEX_BUDGET, so that every limit is reached in a second.
 */
describe('CLI: a folder larger than the index budget', function () {
  this.timeout(60_000);

  before(buildCli);

  it('completes, writes the report, leaves no lock, and the report says what it left out and why', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'rd-budget-'));
    // Read first (the walk goes in name order), so it is indexed before the budget runs out.
    writeFileSync(path.join(dir, 'a-kettle.md'), '# Kettle\n\nThe zephyrine kettle boils water in ninety seconds.\n');
    writeHostileFolder(dir, { files: 40, bytesPerFile: 20_000, seed: 13 });
    const budget = { maxTotalBytes: 64 * 1024, maxBytesPerFile: 8 * 1024, maxTerms: 2_000 };

    const run = await runCli(['How fast does the zephyrine kettle boil water?', '--dir', dir], {
      cwd: dir,
      env: { RESEARCH_INDEX_BUDGET: JSON.stringify(budget) },
    });
    assert.equal(run.code, 0, run.stderr);
    const reportPath = lastLine(run.stdout);
    const report = readFileSync(reportPath, 'utf8');
    assert.match(report, /The zephyrine kettle boils water in ninety seconds\./);
    assert.match(
      report,
      /To keep memory bounded, the index stopped at 64 KiB of text \(\d+ files were not read and 1 file was indexed only in part\), \d+ files were indexed only up to their first 8 KiB and [\d,]+ words were not indexed, being new once the index held 2,000 distinct terms\./,
    );
    const runDir = path.dirname(reportPath);
    assert.ok(!existsSync(path.join(runDir, LOCK_FILE)), `no lock left in ${readdirSync(runDir).join(', ')}`);
  });

  it('a model-written report over the workspace says it too', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'rd-budget-model-'));
    writeFileSync(path.join(dir, 'a-kettle.md'), '# Kettle\n\nThe zephyrine kettle boils water in ninety seconds.\n');
    writeHostileFolder(dir, { files: 20, bytesPerFile: 20_000, seed: 7 });
    const server = await startFaultServer(scriptedModel());
    try {
      const run = await runCli(['How fast does the zephyrine kettle boil water?', '--dir', dir, '--provider', 'openai', '--base-url', server.url, '--model', 'm'], {
        cwd: dir,
        env: { RESEARCH_INDEX_BUDGET: JSON.stringify({ maxTotalBytes: 64 * 1024, maxTerms: 2_000 }), OPENAI_API_KEY: 'sk-test-budget-0123456789' },
      });
      assert.equal(run.code, 0, run.stderr);
      const report = readFileSync(lastLine(run.stdout), 'utf8');
      assert.match(report, /Written by the language model m/);
      assert.match(report, /To keep memory bounded, the index stopped at 64 KiB of text/);
    } finally {
      await server.close();
    }
  });

  it('refuses a malformed budget before anything runs', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'rd-budget-bad-'));
    writeFileSync(path.join(dir, 'a.md'), 'The zephyrine kettle boils water.\n');
    const run = await runCli(['How fast does the zephyrine kettle boil water?', '--dir', dir], {
      cwd: dir,
      env: { RESEARCH_INDEX_BUDGET: '{"maxWords": 10}' },
    });
    assert.equal(run.code, 2, run.stderr);
    assert.match(run.stderr, /RESEARCH_INDEX_BUDGET: unknown limit "maxWords"/);
    assert.deepEqual(readdirSync(dir), ['a.md'], 'no run folder was made');
  });
});
