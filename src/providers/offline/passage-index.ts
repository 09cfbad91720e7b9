import MiniSearch, { type AsPlainObject, type Options, type Query, type SearchOptions } from 'minisearch';
import { scoreWithPostings } from './bm25-scorer';
import { documentFrequency, packMiniSearch, unpackIndex, type PackedIndex } from './packed-index';
import type { Passage } from './passages';
import { prefixRule } from './query-prefix';
import { topPassages, type Hit } from './top-passages';
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
  /**
   * Words that narrow the query to one aspect ("error failure exception"): a passage must match the
   * query and at least one of these. An aspect narrows the subject, never replaces it.
   */
  focus?: string;
}

/** What the splitter may know of a passage beyond its lines (passages.ts, boilerplate.ts). */
type StructuredPassage = Passage & { headings?: readonly string[]; symbol?: string; boilerplate?: string };

interface IndexedPassage {
  id: number;
  path: string;
  text: string;
  headings: string;
  symbol: string;
}

/**
 * Field weights. A file's name and a passage's section headings and enclosing declaration say what the
 * passage is about more densely than its text: "How does the dispatcher schedule" is answered in
 * `dispatcher.ts`, under `class Dispatcher`, or in a section called "Scheduling". The text still
 * decides among passages that share a name.
 */
const PATH_BOOST = 1.2;
const HEADINGS_BOOST = 1.5;
/** How much more a passage counts when its file is named after words of the question (see nameBoost). */
const NAME_BOOST = 3;
/** …unless a word of the name is in more than this share of all passages. */
const NAME_MAX_SHARE = 0.1;
const SYMBOL_BOOST = 1.5;
/** The most the context can raise a score: ×1.5 for the passage that matches the context best. */
const CONTEXT_WEIGHT = 0.5;
/** Pseudo-relevance feedback: from the best passages, this many terms at this weight against the query's 1. */
const FEEDBACK_PASSAGES = 10;
const FEEDBACK_CANDIDATES = 30;
const FEEDBACK_TERMS = 5;
const FEEDBACK_WEIGHT = 0.2;
/** A feedback term must be in fewer than this share of passages. */
const FEEDBACK_MAX_SHARE = 0.1;

const SEARCH: SearchOptions = {
  tokenize,
  boost: { text: 1, path: PATH_BOOST, headings: HEADINGS_BOOST, symbol: SYMBOL_BOOST },
  combineWith: 'OR',
  // Which terms also match as prefixes depends on the words of each query: see prefixRule.
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
  /** Per passage, how much its shape lets it count (boilerplate ranks low); indexed by passage id. */
  private readonly priors: number[] = [];

  /**
   * `admitTerm`, when given, decides for each new normalised term whether the index may hold it (see
   * IndexBudgetKeeper): a refused term is not indexed, the passage's other terms still are.
   */
  constructor(options: { admitTerm?: (term: string) => boolean; restore?: SerializedPassageIndex } = {}) {
    const { admitTerm, restore } = options;
    const searchOptions: Options<IndexedPassage> = {
      fields: ['text', 'path', 'headings', 'symbol'],
      tokenize: tokenizeForIndex,
      processTerm: admitTerm
        ? (term) => {
            const normal = normalizeTerm(term);
            return admitTerm(normal) ? normal : null;
          }
        : normalizeTerm,
      // Queries are normalised the same way, never refused: a refused term simply finds nothing.
      searchOptions: { ...SEARCH, processTerm: normalizeTerm, boostDocument: (id) => this.documentBoost(id as number) },
    };
    if (restore) {
      this.search = 'lists' in restore.search ? unpackIndex(restore.search, searchOptions) : MiniSearch.loadJS<IndexedPassage>(restore.search, searchOptions);
      restore.passages.forEach((passage, id) => {
        if (!passage) return;
        this.passages[id] = passage;
        this.priors[id] = boilerplatePrior((passage as StructuredPassage).boilerplate);
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
      const structured = passage as StructuredPassage;
      this.priors[id] = boilerplatePrior(structured.boilerplate);
      return { id, path: passage.path, text: passage.text, headings: structured.headings?.join(' \n ') ?? '', symbol: structured.symbol ?? '' };
    });
    this.search.addAll(documents);
  }

  find(query: string, options: PassageSearchOptions): ScoredPassage[] {
    if (searchTerms(query).size === 0) return [];
    const boosts = options.context ? this.contextBoosts(query, options.context) : undefined;
    const focused = options.focus && searchTerms(options.focus).size > 0;
    const run = (text: string, boostTerm?: (term: string) => number) => {
      const prefix = prefixRule(focused ? `${text} ${options.focus}` : text);
      const settings = { prefix, ...(boostTerm ? { boostTerm } : {}) };
      return this.hits(focused ? { combineWith: 'AND', queries: [{ combineWith: 'OR', queries: [text] }, { combineWith: 'OR', queries: [options.focus!] }] } : text, settings);
    };
    let search: readonly Hit[] = run(query);
    const expansion = this.feedbackTerms(query, search);
    if (expansion.size > 0) {
      search = run(`${query} ${[...expansion.keys()].join(' ')}`, (term) => (expansion.has(term) && !searchTerms(query).has(term) ? FEEDBACK_WEIGHT : 1));
    }
    const asked = searchTerms(`${query} ${options.context ?? ''}`);
    const adjust = (hit: Hit): ScoredPassage => {
      const passage = this.passages[hit.id];
      return { passage, score: hit.score * (boosts?.get(hit.id) ?? 1) * this.nameBoost(passage.path, asked) };
    };
    return topPassages(search, adjust, MAX_ADJUSTMENT, options.limit, options.perFile ?? Number.POSITIVE_INFINITY);
  }

  /**
   * MiniSearch's ranking, scores only: `search` builds a result object per matching passage (its terms,
   * its matches, their keys), which on a large folder costs more than the scoring and most of the
   * garbage collection, and `find` reads only ids and scores. scoreWithPostings computes the same
   * scores and order from the postings (bm25-scorer.ts); for queries it does not take (fuzzy terms,
   * more terms than it packs), or MiniSearch internals it does not know, MiniSearch's own search.
   */
  private hits(query: Query, settings: SearchOptions): Hit[] {
    return scoreWithPostings(this.search as MiniSearch<unknown>, query, settings) ?? this.search.search(query, settings).map(({ id, score }) => ({ id: id as number, score }));
  }

  /** A passage's weight by its shape: boilerplate ranks low. */
  private documentBoost(id: number): number {
    return this.priors[id] ?? 1;
  }

  /**
   * NAME_BOOST when every word of the passage's file name is a word of the question, else 1. A file
   * called after the question's subject (`dispatcher.ts`, `child-loggers.md`) is where that subject is
   * explained, more often than the files that merely mention it many times.
   */
  private nameBoost(path: string, query: ReadonlySet<string>): number {
    const name = this.nameTerms(path);
    if (name.size === 0) return 1;
    for (const term of name) if (!query.has(term)) return 1;
    // A name made of a word most passages use ("test" in a test runner) says little about this question.
    for (const term of name) if (this.documentShare(term) > NAME_MAX_SHARE) return 1;
    return NAME_BOOST;
  }

  private readonly namesByPath = new Map<string, Set<string>>();
  private readonly shares = new Map<string, { size: number; share: number }>();

  /** How many passages' text holds this normalised term. */
  private textFrequency(term: string): number {
    return documentFrequency(this.search, term, 'text') ?? this.search.search(term, { prefix: false, fields: ['text'], boostDocument: undefined, processTerm: (t) => t }).length;
  }

  /** The share of passages whose text holds this normalised term, remembered until the index changes size. */
  private documentShare(term: string): number {
    const known = this.shares.get(term);
    if (known && known.size === this.size) return known.share;
    const share = this.size > 0 ? this.textFrequency(term) / this.size : 0;
    this.shares.set(term, { size: this.size, share });
    return share;
  }

  /** The normalised terms of a file's base name without its extension: `child-loggers.md` → child, logger. */
  private nameTerms(path: string): Set<string> {
    let terms = this.namesByPath.get(path);
    if (!terms) {
      const base = path.slice(path.lastIndexOf('/') + 1).replace(/\.[^.]*$/, '');
      terms = searchTerms(base);
      this.namesByPath.set(path, terms);
    }
    return terms;
  }

  /**
   * Pseudo-relevance feedback (RM3-style): the words that the best few passages for a query share, and
   * that are specific in the index, added to the query at a low weight. A person asking how to "hide
   * passwords" finds the page that says "redact" once the top passages mention both. Keyed by the
   * term as indexed, so the weights apply to the terms MiniSearch matches.
   */
  private feedbackTerms(query: string, hits: readonly { id: unknown; score: number }[]): Map<string, number> {
    const own = searchTerms(query);
    const top = hits.slice(0, FEEDBACK_PASSAGES);
    const best = top[0]?.score ?? 0;
    if (best <= 0) return new Map();
    const mass = new Map<string, number>();
    for (const hit of top) {
      const terms = tokenize(this.passages[hit.id as number].text).map(normalizeTerm);
      for (const term of terms) {
        if (own.has(term) || term.length < 3 || /^\d+$/.test(term)) continue;
        mass.set(term, (mass.get(term) ?? 0) + hit.score / best / terms.length);
      }
    }
    const total = this.size;
    const candidates = [...mass].sort((a, b) => b[1] - a[1]).slice(0, FEEDBACK_CANDIDATES);
    const weighed = candidates.map(([term, weight]): [string, number] => {
      const documents = this.textFrequency(term);
      // Words in many passages say nothing about this query, however often the top passages use them.
      return [term, documents > 1 && documents < total * FEEDBACK_MAX_SHARE ? weight * Math.log(total / documents) : 0];
    });
    return new Map(weighed.filter(([, w]) => w > 0).sort((a, b) => b[1] - a[1]).slice(0, FEEDBACK_TERMS));
  }

  /**
   * How specific each term is in this index (BM25's idf: rare terms weigh more), for weighing the words
   * of a question when picking the sentences that answer it, keyed by normalised term. A term the index
   * lacks gets the highest weight.
   */
  termWeights(text: string): Map<string, number> {
    const total = this.size;
    const weights = new Map<string, number>();
    for (const word of tokenize(text)) {
      const term = normalizeTerm(word);
      if (weights.has(term)) continue;
      const documents = this.textFrequency(term);
      weights.set(term, Math.log(1 + (total - documents + 0.5) / (documents + 0.5)));
    }
    return weights;
  }

  /** Score multipliers from the context's words that the query does not already contain. */
  private contextBoosts(query: string, context: string): Map<number, number> | undefined {
    const own = searchTerms(query);
    // The context's words as written, not their stems: stemming a stem again can change it, and
    // prefixRule needs the words to tell a whole word from a cut stem.
    const extra = [...new Set(tokenize(context))].filter((word) => !own.has(normalizeTerm(word)));
    if (extra.length === 0) return undefined;
    const contextQuery = extra.join(' ');
    const hits = this.hits(contextQuery, { prefix: prefixRule(contextQuery) });
    const best = hits[0]?.score ?? 0;
    if (best <= 0) return undefined;
    return new Map(hits.map((hit) => [hit.id as number, 1 + (CONTEXT_WEIGHT * hit.score) / best]));
  }
}

/** The most `find` multiplies a score by: the context's ×(1 + CONTEXT_WEIGHT) and the name's ×NAME_BOOST. */
const MAX_ADJUSTMENT = (1 + CONTEXT_WEIGHT) * NAME_BOOST;
/**
 * A passage's weight by its shape: navigation pages, link lists, changelogs and licences say little
 * about how a thing works, so they rank below prose and code unless nothing else matches.
 */
function boilerplatePrior(kind: string | undefined): number {
  return kind === undefined ? 1 : 0.3;
}
