import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { buildCli, lastLine, runCli } from '../../support/run-cli';

/** A folder of Chinese Markdown notes: two answer the two parts of the question, one does not. */
const FILES: Record<string, string> = {
  'docs/超时设置.md': '# 超时设置\n\n服务器的超时时间可以在配置文件中设置，默认是三十秒。\n\n超时以后，请求会自动重试三次。\n',
  'docs/日志.md': '# 日志\n\n日志写入标准输出，每行一个事件。\n',
  'docs/许可证.md': '# 许可证\n\n本项目以麻省理工学院许可证发布。\n',
};

describe('CLI over Chinese files', function () {
  this.timeout(60_000);

  before(buildCli);

  it('answers a Chinese question with a report that quotes and cites the Chinese files', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'rd-cjk-'));
    for (const [name, text] of Object.entries(FILES)) {
      mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
      writeFileSync(path.join(dir, name), text);
    }
    // Two parts, one facet each. (The planner splits facets at ASCII punctuation only.)
    const run = await runCli(['如何配置服务器的超时时间, 日志写在哪里?', '--dir', dir]);
    assert.equal(run.code, 0, run.stderr);
    const report = readFileSync(lastLine(run.stdout), 'utf8');
    assert.match(report, /服务器的超时时间可以在配置文件中设置/, 'the answering lines are quoted');
    assert.match(report, /日志写入标准输出/);
    assert.match(report, /\[docs\/超时设置\.md#L\d+(-L\d+)?\]\(/, 'and cited with their lines');
    assert.match(report, /\[docs\/日志\.md#L\d+(-L\d+)?\]\(/);
    assert.doesNotMatch(report, /许可证/, 'the file about something else is not cited');
  });

  it('splits a question at fullwidth punctuation, and opens the report with the line that answers', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'rd-cjk-'));
    mkdirSync(path.join(dir, 'docs'));
    writeFileSync(path.join(dir, 'docs', '调度.md'), '# 调度器\n\n调度器根据依赖关系决定任务的执行顺序。\n\n就绪的任务按照关键路径的长度排序。\n');
    writeFileSync(path.join(dir, 'docs', '花园.md'), '# 花园\n\n春天的花园里开满了花。\n');
    const run = await runCli(['调度器如何决定任务的执行顺序？就绪的任务怎样排序？', '--dir', dir]);
    assert.equal(run.code, 0, run.stderr);
    const report = readFileSync(lastLine(run.stdout), 'utf8');
    const answer = report.slice(report.indexOf('## Answer'));
    assert.match(answer, /^- “调度器根据依赖关系决定任务的执行顺序。” — \[docs\/调度\.md#L3\]/m, 'the Answer quotes and cites the line');
    assert.match(report, /^## 就绪的任务怎样排序$/m, 'the second question is a facet of its own');
    assert.ok(!report.includes('春天的花园'), 'the unrelated Chinese file is not quoted');
  });
});
