import MiniSearch, { type AsPlainObject, type Options, type SearchOptions } from 'minisearch';
import { packMiniSearch, unpackIndex, type PackedIndex } from './packed-index';
import type { Passage } from './passages';
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
  // "retry" also finds "retrying"; short terms would match too much.
  prefix: (term) => term.length >= 4,
};

/**
 * What the constructor's `restore` takes: an index saved by the index cache (index-cache.ts; bump its
 * INDEX_FORMAT when the fields or the tokenizer change) and the passages by id.
 */
export interface SerializedPassageIndex {
  /** MiniSearch's toJSON, or that packed (packed-index.ts, what the index cache stores). */
  search: AsPlainObject | PackedIndex;
  /** By id; a discarded passage is a hole. */
  passages: readonly (Passage | null | undefined)[];
}

/** BM25 search over passages (MiniSearch), with the project's tokenizer on both sides. */
export class PassageIndex {
  private readonly search: MiniSearch<IndexedPassage>;
  private readonly passages: Passage[] = [];

  /**
   * `admitTerm`, when given, decides for each new normalised term whether the index may hold it (see
   * IndexBudgetKeeper): a refused term is not indexed, the passage's other terms still are.
   */
  constructor(options: { admitTerm?: (term: string) => boolean; restore?: SerializedPassageIndex } = {}) {
    const { admitTerm, restore } = options;
    const searchOptions: Options<IndexedPassage> = {
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
    };
    if (restore) {
      this.search = 'lists' in restore.search ? unpackIndex(restore.search, searchOptions) : MiniSearch.loadJS<IndexedPassage>(restore.search, searchOptions);
      restore.passages.forEach((passage, id) => {
        if (passage) this.passages[id] = passage;
      });
      this.passages.length = restore.passages.length;
      this.discarded = restore.passages.length - this.search.documentCount;
    } else {
      this.search = new MiniSearch<IndexedPassage>(searchOptions);
    }
  }

  /** Passages discarded (holes in `passages`): ids are never reused, so a stale id finds nothing. */
  private discarded = 0;

  get size(): number {
    return this.passages.length - this.discarded;
  }

  /** The id the next passage added will get; the passages of one `add` get consecutive ids. */
  get nextId(): number {
    return this.passages.length;
  }

  /** Distinct terms indexed, counting those of discarded passages until the index is vacuumed. */
  get termCount(): number {
    return this.search.termCount;
  }

  /** The passage with this id, or undefined once it is discarded. */
  passage(id: number): Passage | undefined {
    return this.passages[id];
  }

  /**
   * Takes passages out (a file changed or was deleted). MiniSearch's discard is cheap and exact for
   * searches at once; the terms they held are cleaned up by its vacuum, later and in the background.
   */
  discard(firstId: number, count: number): void {
    const ids: number[] = [];
    for (let id = firstId; id < firstId + count; id++) {
      if (this.passages[id] === undefined) continue;
      ids.push(id);
      delete this.passages[id];
    }
    this.search.discardAll(ids);
    this.discarded += ids.length;
  }

  /** Cleans discarded passages' terms out of the index now (termCount is then exact). */
  async vacuum(): Promise<void> {
    await this.search.vacuum();
  }

  /** The MiniSearch index packed (packed-index.ts), as the index cache stores it. */
  packed(): PackedIndex {
    return packMiniSearch(this.search);
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
    const scored = this.search.search(query).map((hit) => ({
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
    const extra = [...searchTerms(context)].filter((term) => !own.has(term));
    if (extra.length === 0) return undefined;
    const hits = this.search.search(extra.join(' '));
    const best = hits[0]?.score ?? 0;
    if (best <= 0) return undefined;
    return new Map(hits.map((hit) => [hit.id as number, 1 + (CONTEXT_WEIGHT * hit.score) / best]));
  }
}
