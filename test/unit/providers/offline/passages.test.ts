import assert from 'node:assert/strict';
import { MAX_PASSAGE_CHARS, MAX_PASSAGE_LINES, splitIntoPassages } from '../../../../src/providers/offline/passages';
import { normalizeTerm, searchTerms, tokenize } from '../../../../src/providers/offline/search-terms';
import { decodeText, splitLines } from '../../../../src/providers/offline/text-file';

const spans = (path: string, text: string) => splitIntoPassages(path, text).passages.map((p) => [p.startLine, p.endLine]);

describe('offline passages', () => {
  it('splits paragraphs at blank lines with exact 1-based line numbers and verbatim text', () => {
    const text = 'first line\nsecond line\n\n\nthird paragraph\n  indented\n\nlast';
    const { passages } = splitIntoPassages('notes.txt', text);
    assert.deepEqual(
      passages.map((p) => [p.startLine, p.endLine, p.text]),
      [
        [1, 2, 'first line\nsecond line'],
        [5, 6, 'third paragraph\n  indented'],
        [8, 8, 'last'],
      ],
    );
    const lines = splitLines(text);
    for (const p of passages) assert.equal(lines.slice(p.startLine - 1, p.endLine).join('\n'), p.text);
  });

  it('starts a passage at each Markdown heading and keeps the heading with its paragraph', () => {
    const text = '# Title\nintro\n## Install\n\nRun the installer.\nThen restart.\n\n```sh\n# not a heading\necho hi\n```\n### Next';
    assert.deepEqual(spans('README.md', text), [
      [1, 2],
      [3, 6],
      [8, 11],
      [12, 12],
    ]);
    // In code, `#` lines are comments, not headings.
    assert.deepEqual(spans('script.py', '# comment\nx = 1\n# another\ny = 2'), [[1, 4]]);
  });

  it(`caps passages at ${MAX_PASSAGE_LINES} lines and leaves out lines too long to quote`, () => {
    const text = Array.from({ length: 45 }, (_, i) => `line ${i + 1}`).join('\n');
    assert.deepEqual(spans('long.txt', text), [
      [1, 20],
      [21, 40],
      [41, 45],
    ]);
    const minified = `before\n${'x'.repeat(MAX_PASSAGE_CHARS + 1)}\nafter`;
    const result = splitIntoPassages('bundle.js', minified);
    assert.deepEqual(result.passages.map((p) => [p.startLine, p.endLine]), [
      [1, 1],
      [3, 3],
    ]);
    assert.equal(result.overlongLines, 1);
  });

  it('decodes UTF-8 with line endings normalised and refuses binary or invalid text', () => {
    assert.equal(decodeText(new TextEncoder().encode('\uFEFFa\r\nb\rc\n')), 'a\nb\nc\n');
    assert.equal(decodeText(new Uint8Array([0x61, 0x00, 0x62])), undefined);
    assert.equal(decodeText(new Uint8Array([0x63, 0xe9, 0x0a])), undefined);
  });
});

describe('offline search terms', () => {
  it('splits camelCase and snake_case, keeps the whole identifier, drops stop words', () => {
    assert.deepEqual(tokenize('How does parseHTTPResponse use max_retry_count?'), [
      'parse', 'http', 'response', 'parsehttpresponse', 'use', 'max', 'retry', 'count', 'max_retry_count',
    ]);
  });

  it('stems with Snowball for index and query alike: word families meet, digits and other scripts stay', () => {
    assert.equal(normalizeTerm('retries'), normalizeTerm('retrying'));
    assert.equal(normalizeTerm('gracefully'), normalizeTerm('graceful'));
    assert.equal(normalizeTerm('stalls'), normalizeTerm('stalled'));
    assert.equal(normalizeTerm('limits'), 'limit');
    assert.equal(normalizeTerm('process'), 'process');
    assert.equal(normalizeTerm('v2'), 'v2');
    assert.deepEqual([...searchTerms('Rate limits and retries')], ['rate', 'limit', 'retri']);
    const shutdown = searchTerms('Graceful shutdown');
    assert.ok([...searchTerms('gracefully shut down')].some((term) => shutdown.has(term)));
  });
});
