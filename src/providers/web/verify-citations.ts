import type { Finding, ReportBlock, ReportDraft } from '../../core/sources';
import type { StoredSource } from './search-backend';
import type { SourceStore } from './source-store';

/**
 * Checks that every quote a model cites is in the stored text of the source it names. A quote passes
 * when, after normalising both sides, it occurs in that text:
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

/** Shortest quote (or part of an elided quote) that counts, in normalised characters. */
export const MIN_QUOTE_CHARS = 12;

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

// ---- normalisation with a map back to the original text ----

interface Normalized {
  text: string;
  /** For each character of `text`: where the original character that produced it starts and ends. */
  starts: number[];
  ends: number[];
}

const FOLD: Record<string, string> = {
  '\u2018': "'", '\u2019': "'", '\u201a': "'", '\u201b': "'", '\u2032': "'", '\u00b4': "'", '`': "'",
  '\u201c': '"', '\u201d': '"', '\u201e': '"', '\u201f': '"', '\u2033': '"', '\u00ab': '"', '\u00bb': '"',
  '\u2010': '-', '\u2011': '-', '\u2012': '-', '\u2013': '-', '\u2014': '-', '\u2015': '-', '\u2212': '-',
  '\u2026': '...',
};
const DROP = /[\u00ad\u200b-\u200d\u2060\ufeff]/;

export function normalizeForMatch(original: string): Normalized {
  const out: Normalized = { text: '', starts: [], ends: [] };
  let pendingSpace = false;
  let offset = 0;
  for (const ch of original) {
    const start = offset;
    offset += ch.length;
    if (DROP.test(ch)) continue;
    if (/\s/.test(ch)) {
      pendingSpace = out.text.length > 0;
      continue;
    }
    let folded = ch.normalize('NFKC');
    folded = [...folded].map((c) => FOLD[c] ?? c).join('').toLowerCase();
    if (folded === '') continue;
    if (pendingSpace) {
      out.text += ' ';
      out.starts.push(start);
      out.ends.push(start);
      pendingSpace = false;
    }
    for (const c of folded) {
      out.text += c;
      out.starts.push(start);
      out.ends.push(offset);
    }
  }
  return out;
}

/** The normalised parts of a quote, split at ellipses, without surrounding quote marks. */
export function quoteParts(quote: string): string[] {
  let text = normalizeForMatch(quote).text;
  // Quote marks around the whole quote are the model's, not the source's.
  while (text.length >= 2 && /^["']/.test(text) && text.endsWith(text[0]!)) text = text.slice(1, -1).trim();
  return text
    .split(/\s*(?:\[\s*\.\.\.\s*\]|\.\.\.)\s*/)
    .map((p) => p.trim())
    .filter((p) => p !== '');
}

const cache = new WeakMap<StoredSource, Normalized>();
function normalizedSource(source: StoredSource): Normalized {
  let n = cache.get(source);
  if (!n) cache.set(source, (n = normalizeForMatch(source.text)));
  return n;
}

/** Original [start, end) offsets of each part, found in order; undefined when one is missing. */
function findParts(source: Normalized, parts: readonly string[]): Array<[number, number]> | undefined {
  const spans: Array<[number, number]> = [];
  let from = 0;
  for (const part of parts) {
    const at = source.text.indexOf(part, from);
    if (at < 0) return undefined;
    spans.push([source.starts[at]!, source.ends[at + part.length - 1]!]);
    from = at + part.length;
  }
  return spans;
}

function lineAt(text: string, offset: number): number {
  let line = 1;
  for (let i = text.indexOf('\n'); i >= 0 && i < offset; i = text.indexOf('\n', i + 1)) line++;
  return line;
}
