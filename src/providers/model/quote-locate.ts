import type { SourceRef } from '../../core/sources';

/** Shorter quotes prove nothing: "the" is in every source. */
const MIN_QUOTE_CHARS = 12;

/**
 * Finds a quote a model cited in the source text it was given. Matching is verbatim except for
 * whitespace (models re-flow line breaks) and the quotation marks or ellipses they wrap quotes in.
 * Returns the source's own text for the span — never the model's — and the lines it covers, or
 * undefined when the source does not say it.
 */
export function locateQuote(source: { ref: SourceRef; text: string }, quote: string): { ref: SourceRef; quote: string } | undefined {
  const wanted = collapse(trimQuote(quote)).text;
  if (wanted.length < MIN_QUOTE_CHARS) return undefined;
  const { text, map } = collapse(source.text);
  const at = text.indexOf(wanted);
  if (at < 0) return undefined;
  const start = map[at];
  const end = map[at + wanted.length - 1] + 1;
  const linesBefore = (offset: number) => countNewlines(source.text, offset);
  return {
    ref: { path: source.ref.path, startLine: source.ref.startLine + linesBefore(start), endLine: source.ref.startLine + linesBefore(end - 1) },
    quote: source.text.slice(start, end),
  };
}

function trimQuote(quote: string): string {
  return quote.trim().replace(/^(?:["'“”‘’«»]|\.\.\.|…)+|(?:["'“”‘’«»]|\.\.\.|…)+$/g, '').trim();
}

/** Whitespace runs become one space; `map[i]` is the offset in the original of the i-th character kept. */
function collapse(original: string): { text: string; map: number[] } {
  let text = '';
  const map: number[] = [];
  let space = false;
  for (let i = 0; i < original.length; i++) {
    const c = original[i];
    if (/\s/.test(c)) {
      space = text.length > 0;
      continue;
    }
    if (space) {
      text += ' ';
      map.push(i - 1);
      space = false;
    }
    text += c;
    map.push(i);
  }
  return { text, map };
}

function countNewlines(text: string, end: number): number {
  let n = 0;
  for (let i = 0; i < end; i++) if (text.charCodeAt(i) === 10) n++;
  return n;
}
