import MiniSearch, { type SearchOptions } from 'minisearch';
import type { Passage } from './passages';
import { prefixRule } from './query-prefix';
import { normalizeTerm, searchTerms, tokenize, tokenizeForIndex } from './search-terms';

export interface ScoredPassage {
  passage: Passage;
  /** BM25 score, adjusted by `context`; comparable only within one search. */
  score: number;
}

export interface PassageSearchOptions {
  limit: number;
  /** At most this many passages of one file, so one long file cannot fill every slot. */
  perFile?: number;
  /**
   * Other words of the question. Passages must match the query itself; among those, the ones that
   * also mention the context rank higher. This keeps a narrow facet ("errors") on the subject of
   * the question without adding the subject's terms to the facet's own query.
   */
  context?: string;
}

interface IndexedPassage {
  id: number;
  path: string;
  text: string;
}

/** How much a match in the path counts against one in the text: names help, content decides. */
const PATH_BOOST = 0.4;
/** The most the context can raise a score: ×1.5 for the passage that matches the context best. */
const CONTEXT_WEIGHT = 0.5;

const SEARCH: SearchOptions = {
  tokenize,
  boost: { text: 1, path: PATH_BOOST },
  combineWith: 'OR',
  // Which terms also match as prefixes depends on the words of each query: see prefixRule.
};

/** BM25 search over passages (MiniSearch), with the project's tokenizer on both sides. */
export class PassageIndex {
  private readonly search: MiniSearch<IndexedPassage>;
  private readonly passages: Passage[] = [];

  /**
   * `admitTerm`, when given, decides for each new normalised term whether the index may hold it (see
   * IndexBudgetKeeper): a refused term is not indexed, the passage's other terms still are.
   */
  constructor(options: { admitTerm?: (term: string) => boolean } = {}) {
    const { admitTerm } = options;
    this.search = new MiniSearch<IndexedPassage>({
      fields: ['text', 'path'],
      tokenize: tokenizeForIndex,
      processTerm: admitTerm
        ? (term) => {
            const normal = normalizeTerm(term);
            return admitTerm(normal) ? normal : null;
          }
        : normalizeTerm,
      // Queries are normalised the same way, never refused: a refused term simply finds nothing.
      searchOptions: { ...SEARCH, processTerm: normalizeTerm },
    });
  }

  get size(): number {
    return this.passages.length;
  }

  /** Adds passages. Synchronous: callers add in chunks and yield between them to stay responsive. */
  add(passages: readonly Passage[]): void {
    const documents = passages.map((passage) => {
      const id = this.passages.push(passage) - 1;
      return { id, path: passage.path, text: passage.text };
    });
    this.search.addAll(documents);
  }

  find(query: string, options: PassageSearchOptions): ScoredPassage[] {
    if (searchTerms(query).size === 0) return [];
    const boosts = options.context ? this.contextBoosts(query, options.context) : undefined;
    const scored = this.search.search(query, { prefix: prefixRule(query) }).map((hit) => ({
      passage: this.passages[hit.id as number],
      score: hit.score * (boosts?.get(hit.id as number) ?? 1),
    }));
    scored.sort((a, b) => b.score - a.score || a.passage.path.localeCompare(b.passage.path) || a.passage.startLine - b.passage.startLine);

    const perFile = options.perFile ?? Number.POSITIVE_INFINITY;
    const taken = new Map<string, number>();
    const results: ScoredPassage[] = [];
    for (const hit of scored) {
      if (results.length >= options.limit) break;
      const count = taken.get(hit.passage.path) ?? 0;
      if (count >= perFile) continue;
      taken.set(hit.passage.path, count + 1);
      results.push(hit);
    }
    return results;
  }

  /** Score multipliers from the context's words that the query does not already contain. */
  private contextBoosts(query: string, context: string): Map<number, number> | undefined {
    const own = searchTerms(query);
    // The context's words as written, not their stems: stemming a stem again can change it, and
    // prefixRule needs the words to tell a whole word from a cut stem.
    const extra = [...new Set(tokenize(context))].filter((word) => !own.has(normalizeTerm(word)));
    if (extra.length === 0) return undefined;
    const contextQuery = extra.join(' ');
    const hits = this.search.search(contextQuery, { prefix: prefixRule(contextQuery) });
    const best = hits[0]?.score ?? 0;
    if (best <= 0) return undefined;
    return new Map(hits.map((hit) => [hit.id as number, 1 + (CONTEXT_WEIGHT * hit.score) / best]));
  }
}
