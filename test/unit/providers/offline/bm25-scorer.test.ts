import assert from 'node:assert/strict';
import fc from 'fast-check';
import MiniSearch from 'minisearch';
import { scoreWithPostings } from '../../../../src/providers/offline/bm25-scorer';
import { packMiniSearch, unpackIndex } from '../../../../src/providers/offline/packed-index';

const WORDS = ['retry', 'retries', 'retrying', 'timeout', 'time', 'cancel', 'cancellation', 'queue', 'worker', 'log', 'logger', 'rate', 'limit'];
const FIELDS = ['text', 'path', 'headings', 'symbol'];

interface Doc {
  id: number;
  text: string;
  path: string;
  headings: string;
  symbol: string;
}

function options(boostDocument: (id: unknown) => number) {
  return {
    fields: FIELDS,
    searchOptions: { boost: { text: 1, path: 1.2, headings: 1.5, symbol: 1.5 }, combineWith: 'OR', boostDocument },
  } as const;
}

const words = fc.array(fc.constantFrom(...WORDS), { maxLength: 8 }).map((list) => list.join(' '));
const doc = fc.record({ text: words, path: words, headings: words, symbol: words });

describe('offline search: BM25 over the postings (bm25-scorer)', () => {
  it('scores and orders every query exactly as MiniSearch does, packed or not, with prefixes, boosts and an AND of two parts', () => {
    fc.assert(
      fc.property(
        fc.array(doc, { minLength: 1, maxLength: 40 }),
        fc.array(fc.constantFrom(...WORDS), { minLength: 1, maxLength: 5 }),
        fc.array(fc.constantFrom(...WORDS), { maxLength: 3 }),
        fc.boolean(),
        fc.boolean(),
        (docs, query, focus, prefixAll, packed) => {
          const priors = docs.map((_, i) => (i % 3 === 0 ? 0.3 : 1));
          const boostDocument = (id: unknown) => priors[id as number] ?? 1;
          let search = new MiniSearch<Doc>(options(boostDocument));
          search.addAll(docs.map((d, id) => ({ id, ...d })));
          if (packed) search = unpackIndex(packMiniSearch(search), options(boostDocument));
          const settings = { prefix: (term: string) => prefixAll || term.length > 5, boostTerm: (term: string) => (term === 'log' ? 0.2 : 1) };
          const text = query.join(' ');
          const spec = focus.length > 0 ? { combineWith: 'AND', queries: [{ combineWith: 'OR', queries: [text] }, { combineWith: 'OR', queries: [focus.join(' ')] }] } : text;
          const expected = search.search(spec as never, settings).map(({ id, score }) => ({ id, score }));
          const got = scoreWithPostings(search as MiniSearch<unknown>, spec, settings);
          assert.ok(got, 'the scorer knows this index');
          assert.deepEqual(got, expected);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('gives the same scores search after search (its arrays are reused)', () => {
    const search = new MiniSearch<Doc>(options(() => 1));
    search.addAll(['retry queue', 'retry', 'queue worker', 'timeout'].map((text, id) => ({ id, text, path: '', headings: '', symbol: '' })));
    const once = scoreWithPostings(search as MiniSearch<unknown>, 'retry queue', {});
    scoreWithPostings(search as MiniSearch<unknown>, 'worker timeout retry', {});
    assert.deepEqual(scoreWithPostings(search as MiniSearch<unknown>, 'retry queue', {}), once);
    assert.deepEqual(once, search.search('retry queue').map(({ id, score }) => ({ id, score })));
  });

  it('leaves to MiniSearch what it does not reproduce: discarded passages before a vacuum, fuzzy matching', () => {
    const search = new MiniSearch<Doc>(options(() => 1));
    search.addAll([0, 1, 2].map((id) => ({ id, text: 'retry queue', path: '', headings: '', symbol: '' })));
    assert.ok(scoreWithPostings(search as MiniSearch<unknown>, 'retry', {}));
    assert.equal(scoreWithPostings(search as MiniSearch<unknown>, 'retry', { fuzzy: 0.2 }), undefined);
    search.discard(1);
    assert.equal(scoreWithPostings(search as MiniSearch<unknown>, 'retry', {}), undefined);
  });
});
