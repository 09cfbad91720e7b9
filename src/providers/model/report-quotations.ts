import { findParts, MIN_QUOTE_CHARS, normalizeForMatch, quoteParts, type Normalized } from '../quote-match';

/**
 * Finds the spans a model's prose presents as a source's own words — text in quotation marks of any
 * script, and code spans — so each can be checked against the evidence the sentence cites. A span the
 * evidence does not contain is invented (or misremembered) and must not sit next to a link to a real
 * line unmarked.
 */

/** The marker added after a span the cited evidence does not contain. */
export const NOT_IN_SOURCES = '[quotation not found in the cited sources]';

/** Quotation marks, as opening and closing pairs, in the scripts models write. */
const PAIRS: ReadonlyArray<readonly [string, string]> = [
  ['"', '"'],
  ['\u201c', '\u201d'], // “ ”
  ['\u201e', '\u201c'], // „ “ (German)
  ['\u201e', '\u201d'], // „ ” (Polish, Hungarian)
  ['\u2018', '\u2019'], // ‘ ’
  ['\u201a', '\u2018'], // ‚ ‘
  ['\u00ab', '\u00bb'], // « »
  ['\u00bb', '\u00ab'], // » « (Danish, German)
  ['\u2039', '\u203a'], // ‹ ›
  ['\u300c', '\u300d'], // 「 」
  ['\u300e', '\u300f'], // 『 』
];

export interface QuotedSpan {
  /** Offsets of the whole span, marks included. */
  start: number;
  end: number;
  /** The words inside the marks. */
  inner: string;
  kind: 'quotation' | 'code';
}

const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

const MARKED = PAIRS.map(([open, close]) => new RegExp(`${escapeRe(open)}([^${escapeRe(open)}${escapeRe(close)}\\n]+)${escapeRe(close)}`, 'gu'));
// A straight single quote is also an apostrophe: it opens a quotation only where no letter precedes it
// ("it's", "the model's 'words'") and closes one only where no letter follows.
const SINGLE = /(?<![\p{L}\p{N}])'([^'\n]+?)'(?![\p{L}\p{N}])/gu;
// A CommonMark code span: a run of backticks closed by a run of the same length.
const CODE = /(?<!`)(`+)(?!`)([\s\S]+?)(?<!`)\1(?!`)/g;

/** The quoted spans of `text`, leftmost first, none inside another. */
export function quotedSpans(text: string): QuotedSpan[] {
  const found: QuotedSpan[] = [];
  for (const match of text.matchAll(CODE)) found.push({ start: match.index, end: match.index + match[0].length, inner: match[2]!.trim(), kind: 'code' });
  for (const re of [...MARKED, SINGLE]) {
    for (const match of text.matchAll(re)) found.push({ start: match.index, end: match.index + match[0].length, inner: match[1]!.trim(), kind: 'quotation' });
  }
  found.sort((a, b) => a.start - b.start || b.end - a.end);
  const outermost: QuotedSpan[] = [];
  for (const span of found) {
    const last = outermost[outermost.length - 1];
    if (!last || span.start >= last.end) outermost.push(span);
  }
  return outermost;
}

/**
 * Whether a span needs checking: quotations as long as a quote the verifier accepts (shorter ones are
 * terms in quotation marks, not quotations), code spans of three characters or more.
 */
function worthChecking(span: QuotedSpan): boolean {
  const length = normalizeForMatch(span.inner).text.length;
  return span.kind === 'code' ? length >= 3 : length >= MIN_QUOTE_CHARS;
}

/** Whether `words` occur, normalised as quotes are (case, dashes, quote marks, ellipses), in one of `evidence`. */
export function inEvidence(words: string, evidence: readonly Normalized[]): boolean {
  const parts = quoteParts(words);
  return parts.length > 0 && evidence.some((text) => findParts(text, parts) !== undefined);
}

/**
 * Marks each quoted span of `text` that none of the `evidence` texts contains. Code spans are checked
 * only in a paragraph that cites something: in an uncited one they name things (`npm test`), they do
 * not quote. Returns the text and how many spans were marked.
 */
export function markUnsupportedQuotations(text: string, evidence: readonly string[]): { text: string; marked: number } {
  const normalized = evidence.map(normalizeForMatch);
  let out = '';
  let from = 0;
  let marked = 0;
  for (const span of quotedSpans(text)) {
    if (!worthChecking(span) || (span.kind === 'code' && evidence.length === 0) || inEvidence(span.inner, normalized)) continue;
    out += `${text.slice(from, span.end)} ${NOT_IN_SOURCES}`;
    from = span.end;
    marked++;
  }
  return { text: out + text.slice(from), marked };
}
