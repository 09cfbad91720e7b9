import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { exportReportHtml, renderReportHtml } from '../../../src/extension/report-export';

const REPORT = `# Where are the tide tables?

## Answer

- “The spring tide tables are pinned above the chart table.” — [notes/tides.txt#L8](../../notes/tides.txt#L8)

> a source said <script>alert(1)</script> and <img src=x onerror=alert(2)>

[run me](command:workbench.action.quit) [bad](javascript:alert(1)) [page](https://example.org/tides) ![pic](https://example.org/p.png)
`;

describe('report export (HTML)', () => {
  const html = renderReportHtml(REPORT, 'Where are the tide tables?');

  it('is one self-contained page: styles inline, no script, a policy that loads nothing', () => {
    assert.match(html, /^<!DOCTYPE html>/);
    assert.match(html, /<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">/);
    assert.match(html, /<style>[\s\S]*prefers-color-scheme: dark[\s\S]*<\/style>/);
    assert.doesNotMatch(html, /<script|<link |<img/i);
    assert.match(html, /<title>Where are the tide tables\?<\/title>/);
  });

  it('keeps citations as relative links to the files and web sources as links', () => {
    assert.match(html, /<a href="\.\.\/\.\.\/notes\/tides\.txt#L8">notes\/tides\.txt#L8<\/a>/);
    assert.match(html, /<a href="https:\/\/example\.org\/tides">page<\/a>/);
    assert.match(html, /<h2>Answer<\/h2>/);
  });

  it('shows HTML from a source as text, and no other link becomes one', () => {
    assert.match(html, /&lt;script&gt;alert\(1\)&lt;\/script&gt;/);
    assert.match(html, /&lt;img src=x onerror=alert\(2\)&gt;/);
    assert.doesNotMatch(html, /href="(command|javascript):/);
    assert.match(html, /\[run me\]\(command:workbench\.action\.quit\)/, 'a link that goes nowhere stays its text');
  });

  it('writes report.html beside report.md', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'export-'));
    try {
      writeFileSync(join(dir, 'report.md'), REPORT);
      const file = await exportReportHtml(join(dir, 'report.md'));
      assert.equal(file, join(dir, 'report.html'));
      assert.match(readFileSync(file, 'utf8'), /<h1>Where are the tide tables\?<\/h1>/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
