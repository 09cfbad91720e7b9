import assert from 'node:assert/strict';
import type { Finding } from '../../../../src/core/sources';
import { MAX_QUOTE_LINES, trimFinding } from '../../../../src/providers/offline/quote-trim';

function finding(lines: string[], startLine = 1): Finding {
  return { source: { path: 'a.ts', startLine, endLine: startLine + lines.length - 1 }, quote: lines.join('\n'), score: 1 };
}

describe('offline quote trimming', () => {
  it('keeps a short passage whole', () => {
    const short = finding(['one', 'two']);
    assert.equal(trimFinding(short, new Map([['two', 1]]), false), short);
  });

  it('narrows a long passage to the lines that hold the weighted terms, with their exact line numbers', () => {
    const lines = Array.from({ length: 20 }, (_, i) => `line ${i + 1} filler`);
    lines[14] = 'the retry delay doubles';
    lines[15] = 'up to the retry cap';
    const trimmed = trimFinding(finding(lines, 101), new Map([['retri', 2], ['retry', 2], ['delay', 1]]), false);
    assert.equal(trimmed.quote.split('\n').length, MAX_QUOTE_LINES);
    assert.ok(trimmed.quote.includes('the retry delay doubles') && trimmed.quote.includes('up to the retry cap'));
    const first = trimmed.source.startLine - 101;
    assert.equal(trimmed.quote, lines.slice(first, first + MAX_QUOTE_LINES).join('\n'), 'the quote is exactly its lines');
    assert.equal(trimmed.source.endLine, trimmed.source.startLine + MAX_QUOTE_LINES - 1);
  });

  it('drops a leading heading when the heading trail is shown beside the quote', () => {
    const trimmed = trimFinding(finding(['## Retries', '', 'Failed requests are retried.'], 5), new Map(), true);
    assert.deepEqual([trimmed.quote, trimmed.source.startLine, trimmed.source.endLine], ['Failed requests are retried.', 7, 7]);
    assert.equal(trimFinding(finding(['## Retries', 'text']), new Map(), false).quote, '## Retries\ntext');
  });
});
