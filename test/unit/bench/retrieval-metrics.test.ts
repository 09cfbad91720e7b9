import * as assert from 'node:assert/strict';
import { markdownCitations } from '../../../bench/support/report-citations';
import { BaselineIndex } from '../../../bench/support/retrieval-baseline';
import { aggregate, answerRank, countLines, distinctFiles, distinctSpans, invalidCitations, scoreQuestion, type Citation } from '../../../bench/support/retrieval-metrics';

const c = (p: string, startLine: number, endLine = startLine): Citation => ({ path: p, startLine, endLine });

describe('bench: retrieval metrics', () => {
  it('ranks files by their first citation, counting each file once', () => {
    const cites = [c('a.md', 1, 5), c('b.md', 3), c('a.md', 9), c('c.md', 1), c('b.md', 3)];
    assert.deepEqual(distinctFiles(cites), ['a.md', 'b.md', 'c.md']);
    assert.equal(distinctSpans(cites).length, 4);
    assert.equal(answerRank(cites, ['c.md']), 3);
    assert.equal(answerRank(cites, ['b.md', 'c.md']), 2);
    assert.equal(answerRank(cites, ['z.md']), undefined);
  });

  it('scores hit@1, hit@5, reciprocal rank, cited and share of distinct spans', () => {
    const cites = [c('x', 1), c('ans', 1, 4), c('ans', 1, 4), c('y', 2), c('ans', 10, 12)];
    const s = scoreQuestion(cites, ['ans']);
    assert.equal(s.rank, 2);
    assert.equal(s.hit1, false);
    assert.equal(s.hit5, true);
    assert.equal(s.reciprocalRank, 0.5);
    assert.equal(s.cited, true);
    assert.equal(s.spans, 4);
    assert.equal(s.share, 2 / 4); // the repeated span counts once

    const first = scoreQuestion([c('ans', 1), c('x', 1)], ['ans']);
    assert.equal(first.hit1, true);
    assert.equal(first.reciprocalRank, 1);
  });

  it('hit@5 stops at the fifth distinct file, and a report with no citation scores zero', () => {
    const six = ['f1', 'f2', 'f3', 'f4', 'f5', 'ans'].map((p) => c(p, 1));
    const s = scoreQuestion(six, ['ans']);
    assert.equal(s.rank, 6);
    assert.equal(s.hit5, false);
    assert.equal(s.cited, true);
    const none = scoreQuestion([], ['ans']);
    assert.deepEqual([none.rank, none.cited, none.share, none.reciprocalRank], [undefined, false, 0, 0]);
  });

  it('aggregates as means over questions, and an empty list as zeros', () => {
    const agg = aggregate([scoreQuestion([c('a', 1)], ['a']), scoreQuestion([c('b', 1), c('a', 1)], ['a']), scoreQuestion([c('b', 1)], ['a'])]);
    assert.equal(agg.questions, 3);
    assert.equal(agg.hit1, 1 / 3);
    assert.equal(agg.cited, 2 / 3);
    assert.equal(agg.mrr, (1 + 0.5 + 0) / 3);
    assert.equal(agg.share, (1 + 0.5 + 0) / 3);
    assert.deepEqual(aggregate([]), { questions: 0, hit1: 0, hit5: 0, mrr: 0, cited: 0, share: 0 });
  });

  it('finds citations whose lines do not exist in their file', () => {
    const lines = new Map([['f', countLines('a\nb\nc\n')]]);
    assert.equal(lines.get('f'), 4); // an editor shows the empty line after the final newline
    const bad = invalidCitations([c('f', 1, 4), c('f', 0, 2), c('f', 3, 2), c('f', 2, 5), c('missing', 1)], (p) => lines.get(p));
    assert.deepEqual(bad, [c('f', 0, 2), c('f', 3, 2), c('f', 2, 5), c('missing', 1)]);
  });

  it('reads citation links from a rendered report, not the Sources list', () => {
    const md = ['> quote', '', '— [docs/a\\_b.md#L3-L9](../../docs/a_b.md#L3)', 'x ([lib/c.js#L7](../../lib/c.js#L7))', '## Sources', '- [docs/a\\_b.md](../../docs/a_b.md) — lines 3–9'].join('\n');
    assert.deepEqual(markdownCitations(md), [c('docs/a_b.md', 3, 9), c('lib/c.js', 7)]);
  });

  it('the baseline cuts files into 20-line blocks and cites the best ones', () => {
    const text = Array.from({ length: 45 }, (_, i) => (i === 30 ? 'the redaction of passwords' : `line ${i}`)).join('\n');
    const index = new BaselineIndex(new Map([['a.md', text], ['b.md', 'nothing here']]));
    assert.equal(index.blockCount, 4);
    const { citations } = index.answer('passwords');
    assert.deepEqual(citations, [c('a.md', 21, 40)]);
  });
});
