import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { lastLine, repo, runCli } from '../../support/run-cli';

describe('CLI: a question in Chinese over Chinese files', function () {
  this.timeout(60_000);
  let dir: string;

  before(() => {
    execFileSync(process.execPath, ['esbuild.js', '--quiet'], { cwd: repo });
    dir = mkdtempSync(path.join(tmpdir(), 'rd-cjk-'));
    mkdirSync(path.join(dir, 'docs'));
    writeFileSync(path.join(dir, 'docs', '调度.md'), '# 调度器\n\n调度器根据依赖关系决定任务的执行顺序。\n\n就绪的任务按照关键路径的长度排序。\n');
    writeFileSync(path.join(dir, 'docs', '花园.md'), '# 花园\n\n春天的花园里开满了花。\n');
    writeFileSync(path.join(dir, 'notes.txt'), 'Unrelated English notes about tomatoes.\n');
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('finds the Chinese passages that answer, and cites them', async () => {
    const run = await runCli(['调度器如何决定任务的执行顺序？', '--dir', dir]);
    assert.equal(run.code, 0, run.stderr);
    const report = readFileSync(lastLine(run.stdout), 'utf8');
    assert.match(report, /调度器根据依赖关系决定任务的执行顺序。/);
    assert.match(report, /\[docs\/调度\.md#L3\]/, 'cites the line that answers');
    assert.ok(!report.includes('春天的花园'), 'the unrelated Chinese file is not quoted');
    assert.match(report, /^## Answer$/m);
  });
});
