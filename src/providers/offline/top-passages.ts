import type { Passage } from './passages';

/** A passage id and its score in one search. */
export interface Hit {
  id: number;
  score: number;
}

/** A passage with its score after `find`'s adjustments. */
export interface AdjustedHit {
  passage: Passage;
  score: number;
}

/** Hits adjusted in the first round; each round doubles it, so the sorts add up to O(n log n). */
const FIRST_BATCH = 256;

/**
 * The best `limit` passages, at most `perFile` of a file, by adjusted score (ties: path, then line),
 * from hits sorted by raw score. A search of common words matches most of a large folder; adjusting
 * and sorting every hit cost more than the search. Hits are adjusted best first, in batches, and the
 * rest is left once even the most a hit can gain (`maxAdjustment`) would not reach the results.
 * The same passages in the same order as adjusting and sorting them all.
 */
export function topPassages<T extends AdjustedHit>(
  hits: readonly Hit[],
  adjust: (hit: Hit) => T,
  maxAdjustment: number,
  limit: number,
  perFile: number,
): T[] {
  if (limit <= 0) return [];
  const candidates: T[] = [];
  let results: T[] = [];
  for (let at = 0, batch = FIRST_BATCH; at < hits.length; batch *= 2) {
    const end = Math.min(hits.length, at + batch);
    for (; at < end; at++) candidates.push(adjust(hits[at]));
    candidates.sort((a, b) => b.score - a.score || a.passage.path.localeCompare(b.passage.path) || a.passage.startLine - b.passage.startLine);
    results = selectPerFile(candidates, limit, perFile);
    if (results.length === limit && at < hits.length && hits[at].score * maxAdjustment < results[limit - 1].score) break;
  }
  return results;
}

function selectPerFile<T extends AdjustedHit>(sorted: readonly T[], limit: number, perFile: number): T[] {
  const taken = new Map<string, number>();
  const results: T[] = [];
  for (const hit of sorted) {
    if (results.length >= limit) break;
    const count = taken.get(hit.passage.path) ?? 0;
    if (count >= perFile) continue;
    taken.set(hit.passage.path, count + 1);
    results.push(hit);
  }
  return results;
}

