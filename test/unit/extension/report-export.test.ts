import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { exportReportHtml, renderReportHtml } from '../../../src/extension/report-export';
import { ALLOWED_ATTR, ALLOWED_TAGS } from '../../../src/shared/report-markdown';

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

describe('report export: the panel’s allow-list', () => {
  it('holds only the elements and attributes the progress panel allows, even for hostile sources', () => {
    const hostile = `# T\n\n| a | b |\n| :-- | --: |\n| <b onclick=x>x</b> | \`<svg onload=y>\` |\n\n1. one\n2. two\n\n\`\`\`js\n<iframe src=x></iframe>\n\`\`\`\n\n[t](https://example.org "title")\n`;
    const body = renderReportHtml(hostile, 'T').split('<main>')[1]!.split('</main>')[0]!;
    const tags = [...body.matchAll(/<\/?([a-z0-9]+)([^>]*)>/g)];
    assert.ok(tags.length > 10);
    for (const [, name, attributes] of tags) {
      assert.ok(ALLOWED_TAGS.includes(name!), `<${name}>`);
      for (const [, attribute] of attributes!.matchAll(/\s([^\s=/>]+)=/g)) assert.ok(ALLOWED_ATTR.includes(attribute!), `${name} ${attribute}`);
    }
    assert.match(body, /&lt;b onclick=x&gt;x&lt;\/b&gt;/);
  });
});
