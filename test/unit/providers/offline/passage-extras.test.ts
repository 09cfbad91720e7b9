import assert from 'node:assert/strict';
import { deserialize, serialize } from 'node:v8';
import { encodeExtras, extrasReader, isStoredExtras } from '../../../../src/providers/offline/passage-extras';
import type { Passage } from '../../../../src/providers/offline/passages';

const base = (n: number): Passage => ({ path: 'docs/a.md', startLine: n, endLine: n, text: `line ${n}` });

describe('offline index cache: passage extras as columns (passage-extras)', () => {
  it('gives each passage back exactly its headings, symbol, boilerplate kind and any other field', () => {
    const passages = [
      base(1),
      { ...base(2), headings: ['Guide', 'Retries'] },
      { ...base(3), headings: ['Guide', 'Retries'], boilerplate: 'links' },
      { ...base(4), symbol: 'function backoff' },
      { ...base(5), headings: ['odd\u0000heading'] },
      { ...base(6), symbol: 'links', language: 'typescript' },
    ] as Passage[];
    const stored = deserialize(serialize(encodeExtras(passages)));
    assert.ok(isStoredExtras(stored, passages.length));
    assert.equal(stored.trails.length, 1, 'a shared trail is stored once');
    const read = extrasReader(stored);
    const extras = passages.map((_, n) => read(n));
    assert.deepEqual(extras, [
      undefined,
      { headings: ['Guide', 'Retries'] },
      { headings: ['Guide', 'Retries'], boilerplate: 'links' },
      { symbol: 'function backoff' },
      { headings: ['odd\u0000heading'] },
      { symbol: 'links', language: 'typescript' },
    ]);
  });

  it('refuses columns of another length or ids beyond their tables', () => {
    const stored = encodeExtras([{ ...base(1), symbol: 'run' } as Passage]);
    assert.ok(isStoredExtras(stored, 1));
    assert.equal(isStoredExtras(stored, 2), false);
    assert.equal(isStoredExtras({ ...stored, symbolIds: Uint32Array.of(5) }, 1), false);
    assert.equal(isStoredExtras({ ...stored, names: [1] }, 1), false);
  });
});
