import * as assert from 'node:assert/strict';
import fc from 'fast-check';
import MarkdownIt from 'markdown-it';
import { sourceBlockquote, sourceInline } from '../../../src/core/source-markdown';

/** The parser VS Code's preview uses, with everything on that could make source text active. */
const preview = new MarkdownIt({ html: true, linkify: true });
const ACTIVE = /<a |<a>|<img|<h[1-6]|<script|<div|<span|<iframe|<b>/;

function rendered(markdown: string): string {
  return preview.render(markdown);
}

describe('source text in a report (source-markdown)', () => {
  it('keeps what is harmless as written: emphasis, underscores, code spans, lists', () => {
    assert.equal(sourceBlockquote('jobs that _failed_ are kept'), '> jobs that _failed_ are kept');
    assert.equal(sourceBlockquote('use `redact: [\'password\']`'), "> use `redact: ['password']`");
    assert.equal(sourceBlockquote('- a list item\n* another'), '> - a list item\n> * another');
    assert.equal(sourceBlockquote('a\n\nb'), '> a\n>\n> b');
  });

  it('breaks links, images, references, HTML, entities and headings, and shows them as written', () => {
    const quoted = sourceBlockquote('See [the docs](https://example.org/x) and ![logo](x.png)\n[ref]: http://evil.example\n<script>alert(1)</script> &amp;\n# Title\nText\n---');
    const html = rendered(quoted);
    assert.doesNotMatch(html, ACTIVE, html);
    assert.match(html, /\[the docs\]/);
    assert.match(html, /&lt;script&gt;/);
    assert.match(html, /&amp;amp;/, 'the entity is shown as written, not decoded');
    assert.match(quoted, /^> \\# Title$/m);
  });

  it('shows bare addresses as code, so a preview does not link them', () => {
    const html = rendered(sourceBlockquote('mail admin@example.org or open www.example.org/page, or https://example.org.'));
    assert.doesNotMatch(html, /<a /);
    assert.match(html, /<code>https:\/\/example\.org<\/code>\./);
  });

  it('keeps a backslash before punctuation visible', () => {
    assert.match(rendered(sourceBlockquote('C:\\_dir \\* x')), /C:\\_dir \\\* x/);
  });

  it('never lets source text become a link, image, HTML or heading (property, rendered by markdown-it)', () => {
    const piece = fc.constantFrom('[', ']', '(', ')', '<', '>', '!', '`', '``', '\\', '&', '#', '=', '-', '*', '_', ':', ' ', '\n', '\n\n',
      'a', 'b', 'http://x.io', 'www.y.org', 'me@z.com', 'div', 'img src=x', 'script', '&lt;', '&#60;', '    ', '> ', '1. ', '---', '===');
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 40 }), (pieces) => {
        const text = pieces.join('');
        const block = rendered(sourceBlockquote(text));
        const inline = rendered(`Quote: “${sourceInline(text)}”`);
        return !ACTIVE.test(block) && !ACTIVE.test(inline);
      }),
      { numRuns: 3000 },
    );
  });

  it('closes a code fence that the quote cut off, or opens one it starts inside, adding only the fence line', () => {
    assert.equal(sourceBlockquote('```\n/var/log/app.log {\n  daily'), '> ```\n> /var/log/app.log {\n>   daily\n> ```');
    assert.equal(sourceBlockquote('logger.info(x)\n```'), '> ```\n> logger.info(x)\n> ```');
    assert.equal(sourceBlockquote('Use this:\n~~~~js\nfoo()'), '> Use this:\n> ~~~~js\n> foo()\n> ~~~~');
    assert.equal(sourceBlockquote('```js\nfoo()\n```'), '> ```js\n> foo()\n> ```', 'a balanced quote is left alone');
  });

  it('inline text stays on one line and cannot open a list or a quote', () => {
    assert.equal(sourceInline('- first\nsecond'), '\\- first second');
    assert.equal(sourceInline('retries _failed_ jobs'), 'retries _failed_ jobs');
  });
});
