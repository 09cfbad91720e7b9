import type { SourceRef } from '../core/sources';

/**
 * How a quote a model cites is found in a source's text, for workspace passages and stored web pages
 * alike. Both sides are normalised first: Unicode compatibility forms folded (NFKC), curly quotes,
 * dashes and `…` made plain, soft hyphens and zero-width characters dropped, whitespace runs made one
 * space, case folded. Nothing else is forgiven: a changed, added or dropped word fails. An ellipsis in
 * a quote splits it into parts that must each occur, in order.
 */

/** Shortest quote (or part of an elided quote) that counts, in normalised characters: "the" is in every source. */
export const MIN_QUOTE_CHARS = 12;

/**
 * Finds a quote a model cited in the source text it was given. Returns the source's own text for the
 * span — never the model's; for an elided quote, the whole span from its first part to its last — and
 * the lines it covers (counted from `source.ref.startLine`; the ref's url and title are kept), or
 * undefined when the source does not say it.
 */
export function locateQuote(source: { ref: SourceRef; text: string }, quote: string): { ref: SourceRef; quote: string } | undefined {
  const parts = quoteParts(quote);
  if (parts.length === 0 || parts.some((p) => p.length < MIN_QUOTE_CHARS)) return undefined;
  const spans = findParts(normalizeForMatch(source.text), parts);
  if (!spans) return undefined;
  const start = spans[0]![0];
  const end = spans[spans.length - 1]![1];
  return {
    ref: { ...source.ref, startLine: source.ref.startLine + lineAt(source.text, start) - 1, endLine: source.ref.startLine + lineAt(source.text, end - 1) - 1 },
    quote: source.text.slice(start, end),
  };
}

export interface Normalized {
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

/** Original [start, end) offsets of each part, found in order; undefined when one is missing. */
export function findParts(source: Normalized, parts: readonly string[]): Array<[number, number]> | undefined {
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

export function lineAt(text: string, offset: number): number {
  let line = 1;
  for (let i = text.indexOf('\n'); i >= 0 && i < offset; i = text.indexOf('\n', i + 1)) line++;
  return line;
}
