import type MiniSearch from 'minisearch';
import type { SearchOptions } from 'minisearch';
import { LazyPostings, postingCount } from './packed-index';
import type { Hit } from './top-passages';

/**
 * MiniSearch's BM25 scoring of an OR query (optionally ANDed with a second OR query), computed over its
 * own term map into typed arrays instead of a result object per matching passage.
 *
 * Why: a question's common words match most passages of a large folder, and MiniSearch builds, for
 * each of them and each query term, an object with its matched terms and fields, then merges those
 * maps query term by query term: on 77,000 passages that allocation and its garbage collection cost
 * more than the arithmetic. Here every score is the same sum, added in the same order, and passages
 * come out in the same order (ties by first match, as MiniSearch's stable sort leaves them), so the
 * ranking cannot differ; a property test compares the two on random indexes.
 *
 * It reads MiniSearch's private fields (as packed-index.ts does), and answers undefined whenever it
 * meets what it does not reproduce (fuzzy matching, discarded passages not yet vacuumed, internals of
 * another shape, more than 31 query terms): the caller then asks MiniSearch.
 */

interface Internals {
  _index: { get(term: string): FieldPostings | undefined; atPrefix(prefix: string): Iterable<[string, FieldPostings]> };
  _fieldIds: Record<string, number>;
  _avgFieldLength: number[];
  _fieldLength: Map<number, number[]>;
  _documentIds: Map<number, unknown>;
  _documentCount: number;
  _dirtCount: number;
  _nextId: number;
  _options: { fields: string[]; tokenize: (text: string) => string[]; processTerm: (term: string) => string | string[] | null | undefined | false; searchOptions?: SearchOptions };
}

type FieldPostings = Map<number, Map<number, number>>;

/** One query's scores: per MiniSearch short id, its score and which query terms it matched. */
interface Scores {
  score: Float64Array;
  terms: Uint32Array;
  /** Short ids in the order MiniSearch would have inserted them into its result map. */
  order: number[];
}

const DEFAULT_BM25 = { k: 1.2, b: 0.7, d: 0.5 };
const DEFAULT_PREFIX_WEIGHT = 0.375;
const MAX_TERMS = 31;

/**
 * The hits of `query` — a string, or `{ combineWith: 'AND', queries: [{ combineWith: 'OR', queries: [a] },
 * { combineWith: 'OR', queries: [b] }] }` — with `options` as MiniSearch's search takes them, best first.
 */
export function scoreWithPostings(search: MiniSearch<unknown>, query: unknown, options: SearchOptions): Hit[] | undefined {
  const engine = search as unknown as Internals;
  if (!isKnown(engine)) return undefined;
  const merged: SearchOptions = { ...engine._options.searchOptions, ...options };
  if (merged.fuzzy || merged.boostDocument === undefined || (merged.combineWith ?? 'OR').toUpperCase() !== 'OR') return undefined;
  const parts = andOfOrs(query);
  if (!parts) return undefined;
  const size = engine._nextId;
  const scored: Scores[] = [];
  let finished = false;
  try {
    const termIndex = new Map<string, number>();
    for (const text of parts) {
      const result = takeScores(size);
      scored.push(result);
      if (!scoreOr(engine, text, merged, result, termIndex)) return undefined;
    }
    const hits = collectHits(engine, scored);
    finished = true;
    return hits;
  } finally {
    // After a throw the arrays may hold partial sums: they are dropped, not reused.
    if (finished) for (const result of scored) giveBack(result);
    else scratch = new Float64Array(0);
  }
}

function collectHits(engine: Internals, scored: readonly Scores[]): Hit[] {
  const [first, second] = scored;
  const hits: Hit[] = [];
  const idOf = engine._documentIds;
  if (!second) {
    for (const doc of first.order) hits.push({ id: idOf.get(doc) as number, score: first.score[doc] * bitCount(first.terms[doc]) });
  } else {
    // AND: the passages of the second part that the first has too, in the second part's order.
    for (const doc of second.order) {
      if (first.terms[doc] === 0) continue;
      hits.push({ id: idOf.get(doc) as number, score: (first.score[doc] + second.score[doc]) * bitCount(first.terms[doc] | second.terms[doc]) });
    }
  }
  return hits.sort((a, b) => b.score - a.score);
}

function isKnown(engine: Internals): boolean {
  return (
    typeof engine._index?.get === 'function' &&
    typeof engine._index.atPrefix === 'function' &&
    engine._documentIds instanceof Map &&
    engine._fieldLength instanceof Map &&
    Array.isArray(engine._avgFieldLength) &&
    typeof engine._nextId === 'number' &&
    engine._dirtCount === 0 &&
    Array.isArray(engine._options?.fields)
  );
}

/** The query strings of a plain query or of an AND of two ORs of one string each; undefined otherwise. */
function andOfOrs(query: unknown): string[] | undefined {
  if (typeof query === 'string') return [query];
  const spec = query as { combineWith?: string; queries?: unknown[] };
  if (spec?.combineWith?.toUpperCase() !== 'AND' || spec.queries?.length !== 2) return undefined;
  const parts = spec.queries.map((part) => {
    const or = part as { combineWith?: string; queries?: unknown[] };
    return or?.combineWith?.toUpperCase() === 'OR' && or.queries?.length === 1 && typeof or.queries[0] === 'string' ? or.queries[0] : undefined;
  });
  return parts.every((part): part is string => part !== undefined) ? parts : undefined;
}

/**
 * MiniSearch's executeQuery of one string: its terms, each scored exactly and (when `prefix` says so)
 * over its longer prefix matches, one term's scores summed before they join the query's, as its
 * combineResults does.
 */
function scoreOr(engine: Internals, text: string, options: SearchOptions, total: Scores, termIndex: Map<string, number>): boolean {
  const tokenize = options.tokenize ?? engine._options.tokenize;
  const processTerm = options.processTerm ?? engine._options.processTerm;
  const terms = tokenize(text)
    .flatMap((term) => processTerm(term))
    .filter((term): term is string => !!term);
  const fields = options.fields ?? engine._options.fields;
  const boosts = fields.map((field) => ({ fieldId: engine._fieldIds[field], boost: (options.boost as Record<string, number> | undefined)?.[field] || 1 }));
  const bm25 = { ...DEFAULT_BM25, ...options.bm25 };
  const prefixWeight = options.weights?.prefix ?? DEFAULT_PREFIX_WEIGHT;
  const boostDocument = options.boostDocument!;
  const part = scratchOf(total.score.length);
  const touched: number[] = [];
  for (let i = 0; i < terms.length; i++) {
    const term = terms[i];
    let bit = termIndex.get(term);
    if (bit === undefined) {
      if (termIndex.size >= MAX_TERMS) return false;
      bit = termIndex.size;
      termIndex.set(term, bit);
    }
    const prefix = typeof options.prefix === 'function' ? options.prefix(term, i, terms) : options.prefix === true;
    const termBoost = typeof options.boostTerm === 'function' ? options.boostTerm(term, i, terms) : 1;
    const add = (derived: string, weight: number, postings: FieldPostings | undefined) => {
      if (!postings) return;
      for (const { fieldId, boost } of boosts) {
        const freqs = postings.get(fieldId);
        if (!freqs) continue;
        const matching = postingCount(freqs);
        const idf = Math.log(1 + (engine._documentCount - matching + 0.5) / (matching + 0.5));
        const average = engine._avgFieldLength[fieldId];
        const visit = (doc: number, freq: number) => {
          const docBoost = boostDocument(engine._documentIds.get(doc), derived, undefined);
          if (!docBoost) return;
          const length = engine._fieldLength.get(doc)![fieldId];
          const raw = idf * (bm25.d + (freq * (bm25.k + 1)) / (freq + bm25.k * (1 - bm25.b + (bm25.b * length) / average)));
          // Every addend is positive, so a zero means this term has not met the passage yet.
          if (part[doc] === 0) touched.push(doc);
          part[doc] += weight * termBoost * boost * docBoost * raw;
        };
        if (freqs instanceof LazyPostings) freqs.forEachPosting(visit);
        else for (const [doc, freq] of freqs) visit(doc, freq);
      }
    };
    add(term, 1, engine._index.get(term));
    if (prefix) {
      for (const [derived, postings] of engine._index.atPrefix(term)) {
        const distance = derived.length - term.length;
        if (!distance) continue;
        add(derived, (prefixWeight * derived.length) / (derived.length + 0.3 * distance), postings);
      }
    }
    // This term's scores join the query's: new passages in the order this term met them.
    for (const doc of touched) {
      if (total.terms[doc] === 0) total.order.push(doc);
      total.score[doc] = total.terms[doc] === 0 ? part[doc] : total.score[doc] + part[doc];
      total.terms[doc] |= 1 << bit;
      part[doc] = 0;
    }
    touched.length = 0;
  }
  return true;
}

/**
 * The arrays are as long as the index has passage ids (77,000 for the benchmark folder): allocated
 * for every search, they were most of its garbage. A search takes them zeroed and gives them back
 * zeroed (only the entries it touched are cleared); there is no await in between, so one pool serves.
 */
const pool: Scores[] = [];
let scratch = new Float64Array(0);

function takeScores(size: number): Scores {
  const reused = pool.pop();
  if (reused && reused.score.length === size) return reused;
  return { score: new Float64Array(size), terms: new Uint32Array(size), order: [] };
}

function giveBack(scores: Scores): void {
  for (const doc of scores.order) {
    scores.score[doc] = 0;
    scores.terms[doc] = 0;
  }
  scores.order = [];
  if (pool.length < 2) pool.push(scores);
}

/** Per-term sums; every entry is back to zero when a term is done. */
function scratchOf(size: number): Float64Array {
  if (scratch.length !== size) scratch = new Float64Array(size);
  return scratch;
}

function bitCount(bits: number): number {
  let n = 0;
  for (let b = bits; b !== 0; b &= b - 1) n++;
  return n || 1;
}
