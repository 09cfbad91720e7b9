import assert from 'node:assert/strict';
import fc from 'fast-check';
import type { Passage } from '../../../../src/providers/offline/passages';
import { topPassages, type Hit } from '../../../../src/providers/offline/top-passages';

/** What topPassages must equal: every hit adjusted, all sorted, then at most `perFile` per file. */
function everyHitAdjusted(hits: readonly Hit[], adjust: (hit: Hit) => { passage: Passage; score: number }, limit: number, perFile: number) {
  const all = hits.map(adjust).sort((a, b) => b.score - a.score || a.passage.path.localeCompare(b.passage.path) || a.passage.startLine - b.passage.startLine);
  const taken = new Map<string, number>();
  return all.filter((hit) => {
    const count = taken.get(hit.passage.path) ?? 0;
    if (count >= perFile) return false;
    taken.set(hit.passage.path, count + 1);
    return true;
  }).slice(0, limit);
}

describe('offline search: the best passages of many hits (top-passages)', () => {
  it('returns what adjusting and sorting every hit would, while adjusting only as many as it needs', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ score: fc.double({ min: 0.01, max: 100, noNaN: true }), file: fc.integer({ min: 0, max: 40 }), boost: fc.constantFrom(1, 1.2, 3, 4.5) }), { maxLength: 3000, size: 'large' }),
        fc.integer({ min: 1, max: 12 }),
        fc.integer({ min: 1, max: 4 }),
        (rows, limit, perFile) => {
          const hits: Hit[] = rows.map((row, id) => ({ id, score: row.score })).sort((a, b) => b.score - a.score);
          const passages = rows.map((row, id): Passage => ({ path: `f${row.file}.md`, startLine: id + 1, endLine: id + 1, text: '' }));
          let adjusted = 0;
          const adjust = (hit: Hit) => {
            adjusted++;
            return { passage: passages[hit.id], score: hit.score * rows[hit.id].boost };
          };
          const got = topPassages(hits, adjust, 4.5, limit, perFile);
          assert.deepEqual(got, everyHitAdjusted(hits, (hit) => ({ passage: passages[hit.id], score: hit.score * rows[hit.id].boost }), limit, perFile));
          assert.ok(adjusted <= hits.length);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('stops early when the rest cannot reach the results', () => {
    // Scores of a common word fall off fast: a few strong matches, a long tail of weak ones.
    const hits: Hit[] = Array.from({ length: 10_000 }, (_, id) => ({ id, score: 10_000 / (id + 1) }));
    let adjusted = 0;
    const got = topPassages(hits, (hit) => (adjusted++, { passage: { path: `f${hit.id}.md`, startLine: 1, endLine: 1, text: '' }, score: hit.score }), 3, 8, 3);
    assert.deepEqual(got.map((hit) => hit.passage.path), ['f0.md', 'f1.md', 'f2.md', 'f3.md', 'f4.md', 'f5.md', 'f6.md', 'f7.md']);
    assert.ok(adjusted < 1_000, `${adjusted} hits adjusted`);
  });
});
