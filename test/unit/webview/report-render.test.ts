import * as assert from 'node:assert/strict';
import { JSDOM } from 'jsdom';
import { createReportRenderer, MARKDOWN_OPTIONS, type ReportRenderer } from '../../../src/webview/progress/report-render';

describe('report rendering', () => {
  let dom: JSDOM;
  let render: ReportRenderer;
  const html = (markdown: string): string => {
    const holder = dom.window.document.createElement('div');
    holder.append(render(markdown));
    return holder.innerHTML;
  };
  before(() => {
    dom = new JSDOM('<!DOCTYPE html><body></body>');
    render = createReportRenderer(dom.window as unknown as Parameters<typeof createReportRenderer>[0]);
  });
  after(() => dom.window.close());

  it('turns raw HTML off, links into text off, and quotes into plain ones', () => {
    assert.deepEqual(MARKDOWN_OPTIONS, { html: false, linkify: false, typographer: false, breaks: false });
  });

  it('renders headings, quotes, code and citation links', () => {
    const out = html('# Report\n\n> “quoted”\n\n— [src/a.ts#L3-L5](../../src/a.ts#L3-L5)\n\n```ts\nconst a = 1 < 2;\n```\n');
    assert.match(out, /<h1>Report<\/h1>/);
    assert.match(out, /<blockquote>/);
    assert.match(out, /<a href="\.\.\/\.\.\/src\/a\.ts#L3-L5">src\/a\.ts#L3-L5<\/a>/);
    assert.match(out, /<pre><code>const a = 1 &lt; 2;\n<\/code><\/pre>/);
  });

  it('shows HTML from a source as text, never as elements', () => {
    const out = html('<script>alert(1)</script>\n\n<img src=x onerror=alert(1)>\n\ntext <b onclick="x()">bold</b>');
    assert.ok(!/<script|<img|<b /i.test(out), out);
    assert.match(out, /&lt;script&gt;alert\(1\)&lt;\/script&gt;/);
  });

  const dangerous = [
    '[x](javascript:alert(1))',
    '[x](JAVASCRIPT:alert(1))',
    '[x](java\tscript:alert(1))',
    '[x](vbscript:msgbox)',
    '[x](data:text/html;base64,PHNjcmlwdD4=)',
    '[x](file:///etc/passwd)',
    '[x](command:workbench.action.quit)',
    '[x](vscode://some.extension/do)',
  ];
  for (const markdown of dangerous) {
    it(`drops the target of ${markdown}`, () => {
      const out = html(markdown);
      const hrefs = [...out.matchAll(/href="([^"]*)"/g)].map((m) => m[1]);
      assert.deepEqual(hrefs, [], out);
    });
  }

  it('keeps web links and relative paths, and drops images', () => {
    const out = html('[site](https://example.com/a) [rel](../b.md#L1) ![pic](https://example.com/p.png)');
    assert.match(out, /href="https:\/\/example\.com\/a"/);
    assert.match(out, /href="\.\.\/b\.md#L1"/);
    assert.ok(!out.includes('<img'), out);
  });
});
