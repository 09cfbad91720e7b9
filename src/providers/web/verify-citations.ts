import type { Finding, ReportBlock, ReportDraft } from '../../core/sources';
import { findParts, lineAt, MIN_QUOTE_CHARS, normalizeForMatch, quoteParts, type Normalized } from '../quote-match';
import type { StoredSource } from './search-backend';
import type { SourceStore } from './source-store';

export { MIN_QUOTE_CHARS } from '../quote-match';

/**
 * Checks that every quote a model cites is in the stored text of the source it names. A quote passes
 * when, after normalising both sides (see ../quote-match, shared with workspace quotes), it occurs in
 * that text:
 *
 * - Unicode compatibility forms folded (NFKC), so ligatures and full-width letters match;
 * - curly quotes and primes → straight quotes; en/em dashes, minus and hyphen variants → `-`;
 *   `…` → `...`; soft hyphens and zero-width characters removed;
 * - every run of whitespace (line breaks included) → one space;
 * - case folded. Models re-capitalise a quote that starts mid-sentence; case never turns one
 *   statement into another, and the report shows the source's own text (below), not the model's.
 *
 * Nothing else is forgiven: a changed, added or dropped word fails, and so does a paraphrase. An
 * ellipsis (`...`, `…`, `[...]`) in a quote splits it into parts that must each occur, in order.
 * Quotes shorter than MIN_QUOTE_CHARS (per part) fail: a few words occur in almost any text.
 *
 * A verified quote carries the source's own wording of it and the lines of the stored text it spans,
 * so the report quotes what the source says and links to where it says it. What fails is returned
 * with the reason, for the report to mark or drop; it is never turned into a sourced quote.
 */

export interface CitedQuote {
  /** The id of the stored source the model cites, e.g. "s3". */
  sourceId: string;
  /** The words the model says the source contains. */
  quote: string;
  /** The model's statement this quote supports, when there is one. */
  claim?: string;
}

export type UnverifiedReason = 'unknown-source' | 'not-found' | 'in-other-source' | 'too-short';

export interface VerifiedCitation {
  status: 'verified';
  cited: CitedQuote;
  source: StoredSource;
  /** The source's own text of the quote (its case, spacing and punctuation); parts of an elided quote joined by " … ". */
  text: string;
  /** Lines of the stored text the quote spans, 1-based and inclusive. */
  startLine: number;
  endLine: number;
}

export interface UnverifiedCitation {
  status: 'unverified';
  cited: CitedQuote;
  reason: UnverifiedReason;
  /** Why, in a sentence for the report and the log. */
  message: string;
  /** For `in-other-source`: the source that does contain the quote. */
  foundIn?: string;
}

export type CitationCheck = VerifiedCitation | UnverifiedCitation;

/** What verification needs of a store: SourceStore provides it. */
export interface SourceLookup {
  get(id: string): StoredSource | undefined;
  list(): StoredSource[];
}

export function verifyCitation(cited: CitedQuote, sources: SourceLookup): CitationCheck {
  const parts = quoteParts(cited.quote);
  if (parts.length === 0 || parts.some((p) => p.length < MIN_QUOTE_CHARS)) {
    return unverified(cited, 'too-short', `the quote is too short to check (at least ${MIN_QUOTE_CHARS} characters${parts.length > 1 ? ' between ellipses' : ''})`);
  }
  const source = sources.get(cited.sourceId);
  if (source) {
    const match = findParts(normalizedSource(source), parts);
    if (match) {
      return {
        status: 'verified',
        cited,
        source,
        text: match.map(([start, end]) => source.text.slice(start, end)).join(' … '),
        startLine: lineAt(source.text, match[0]![0]),
        endLine: lineAt(source.text, match[match.length - 1]![1] - 1),
      };
    }
  }
  const elsewhere = sources.list().find((s) => s.id !== cited.sourceId && findParts(normalizedSource(s), parts));
  if (elsewhere) {
    return { ...unverified(cited, 'in-other-source', `the quote is from ${elsewhere.id}, not from ${cited.sourceId}, which it cites`), foundIn: elsewhere.id };
  }
  return source
    ? unverified(cited, 'not-found', `the quote is not in the text of ${cited.sourceId} as it was read`)
    : unverified(cited, 'unknown-source', `the quote cites ${cited.sourceId || 'no source'}, which this run did not read`);
}

export function verifyCitations(
  cited: readonly CitedQuote[],
  sources: SourceLookup,
): { all: CitationCheck[]; verified: VerifiedCitation[]; unverified: UnverifiedCitation[] } {
  const all = cited.map((c) => verifyCitation(c, sources));
  return {
    all,
    verified: all.filter((c): c is VerifiedCitation => c.status === 'verified'),
    unverified: all.filter((c): c is UnverifiedCitation => c.status === 'unverified'),
  };
}

/** A verified quote as a finding, citing the stored copy's lines and the page's URL. */
export function citationFinding(check: VerifiedCitation, store: SourceStore, root: string, facet?: string): Finding {
  return {
    source: store.ref(check.source.id, check.startLine, check.endLine, root),
    quote: check.text,
    score: 1,
    verified: true,
    ...(facet !== undefined && { facet }),
  };
}

/**
 * The report block for a checked quote: a sourced quote when verified; when not, a plainly marked
 * sentence with no citation (`unverified: 'mark'`, the default) or nothing at all (`'remove'`).
 */
export function citationBlock(
  check: CitationCheck,
  store: SourceStore,
  root: string,
  options: { unverified?: 'mark' | 'remove' } = {},
): ReportBlock | undefined {
  if (check.status === 'verified') {
    return { kind: 'quote', text: check.text, source: store.ref(check.source.id, check.startLine, check.endLine, root), verified: true };
  }
  if (options.unverified === 'remove') return undefined;
  return { kind: 'text', text: `Unverified quote, not shown as evidence (${check.message}): "${oneLine(check.cited.quote)}"`, citations: [] };
}

/**
 * The last gate before rendering: every quote block of `draft` that cites a web source is checked
 * again against the store (by the source's URL) and replaced by the source's own text with exact
 * lines, or marked/removed as unverified. Workspace quotes (no `url`) pass unchanged.
 */
export function verifyDraftQuotes(draft: ReportDraft, store: SourceStore, root: string, options: { unverified?: 'mark' | 'remove' } = {}): ReportDraft {
  return {
    ...draft,
    sections: draft.sections.map((section) => ({
      ...section,
      blocks: section.blocks.flatMap((block): ReportBlock[] => {
        if (block.kind !== 'quote' || block.source.url === undefined) return [block];
        const source = store.findByUrl(block.source.url);
        const check = verifyCitation({ sourceId: source?.id ?? '', quote: block.text }, store);
        const replaced = citationBlock(check, store, root, options);
        return replaced ? [replaced] : [];
      }),
    })),
  };
}

function unverified(cited: CitedQuote, reason: UnverifiedReason, message: string): UnverifiedCitation {
  return { status: 'unverified', cited, reason, message };
}

function oneLine(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > 300 ? `${flat.slice(0, 300)}…` : flat;
}

const cache = new WeakMap<StoredSource, Normalized>();
function normalizedSource(source: StoredSource): Normalized {
  let n = cache.get(source);
  if (!n) cache.set(source, (n = normalizeForMatch(source.text)));
  return n;
}
