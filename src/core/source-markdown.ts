import MarkdownIt from 'markdown-it';
import { blockquote, codeSpan, escapeInline, linkLikeSpans } from './markdown';

/**
 * Source text shown in a report as close to verbatim as Markdown allows.
 *
 * Escaping every markup character (markdown.ts) is safe but makes the raw report hard to read in the
 * editor: a Markdown source's `_failed_` becomes `\_failed\_`, every link `\[text\]\(…\)`. Here only what
 * would turn into a link, an image, HTML or a heading is escaped; emphasis, code spans, lists and
 * fences from the source render as they would in the source itself, which is harmless.
 *
 * Minimal escaping is easy to get subtly wrong (CommonMark's precedence rules between code spans,
 * links and HTML are intricate), so every result is parsed with markdown-it, the parser VS Code's
 * preview uses, with raw HTML and linkify on: if it finds a link, an image, HTML or a heading anywhere,
 * the strict escaping is used instead. Safety never rests on the clever part.
 */

/** `]` that would close a link text or a reference label: `](`, `][`, `]:`. */
const LINK_CLOSE = /\](?=[(:[])/g;
/** `<` that opens an HTML tag, a comment, a declaration or an autolink. */
const TAG_OPEN = /<(?=[A-Za-z/!?])/g;
/** `&` of a character reference (`&lt;`, `&#60;`), which a renderer would decode. */
const ENTITY = /&(?=#?[A-Za-z0-9]+;)/g;
/** A backslash before ASCII punctuation is an escape in CommonMark: doubled, it shows as written. */
const BACKSLASH = /\\(?=[!-/:-@[-`{-~])/g;
/** What makes a line a heading: `#`…`######` (ATX), or a run of `=` or `-` under a paragraph (setext). */
const ATX_HEADING = /^( {0,3})(#{1,6}(?:[ \t]|$))/;
const SETEXT_UNDERLINE = /^( {0,3})([=-]+[ \t]*)$/;

const parser = new MarkdownIt({ html: true, linkify: true });

/** A blockquote of `text`: verbatim where that is safe (see above), strictly escaped where it is not. */
export function sourceBlockquote(text: string): string {
  const lines = balancedFences(text.split('\n')).map((line) => (line.trim() === '' ? '>' : `> ${escapeSourceLine(line)}`));
  const quoted = lines.join('\n');
  return isInert(parser.parse(quoted, {})) ? quoted : blockquote(text);
}

const FENCE = /^ {0,3}(`{3,}|~{3,})(.*)$/;

/**
 * A quote cut from a longer passage may hold only one end of a fenced code block: the report closes it
 * (or opens it, when the quote starts inside the code), so the raw Markdown reads as balanced as it
 * renders. Only a fence line is added; the quoted lines stay as they are.
 */
function balancedFences(lines: readonly string[]): string[] {
  const fences = lines.map((line) => FENCE.exec(line)).filter((m): m is RegExpExecArray => m !== null);
  if (fences.length % 2 === 0) return [...lines];
  return startsInsideFence(lines) ? [fences[0][1], ...lines] : [...lines, fences[fences.length - 1][1]];
}

/**
 * Whether lines cut from Markdown begin inside a fenced code block that an earlier passage opened: they
 * hold an odd number of fence lines, and the first is bare (an info string, ```js, opens) and comes
 * after lines of text, which are then the end of the code.
 */
export function startsInsideFence(lines: readonly string[]): boolean {
  const fenceLines = lines.filter((line) => FENCE.test(line)).length;
  if (fenceLines % 2 === 0) return false;
  const firstAt = lines.findIndex((line) => FENCE.test(line));
  return FENCE.exec(lines[firstAt])![2].trim() === '' && lines.slice(0, firstAt).some((line) => line.trim() !== '');
}

/** Inline source text (one line, newlines made spaces), as in the Answer's quoted sentences. */
export function sourceInline(text: string): string {
  const flat = text.replace(/[ \t]*(?:\r\n?|[\n\u2028\u2029])[ \t]*/g, ' ').trim();
  const escaped = escapeSourceLine(flat)
    // Inline text sits inside a sentence of the report: it must not start a list or a quote either.
    .replace(/^([>+*-])(?=\s)/, '\\$1')
    .replace(/^(\d+)([.)])(?=\s)/, '$1\\$2');
  return isInert(parser.parse(escaped, {})) ? escaped : escapeInline(flat);
}

function escapeSourceLine(line: string): string {
  let out = '';
  let from = 0;
  for (const [start, end] of linkLikeSpans(line)) {
    out += escapeMarkup(line.slice(from, start)) + codeSpan(line.slice(start, end));
    from = end;
  }
  out += escapeMarkup(line.slice(from));
  return out.replace(ATX_HEADING, '$1\\$2').replace(SETEXT_UNDERLINE, '$1\\$2');
}

function escapeMarkup(text: string): string {
  return text.replace(BACKSLASH, '\\\\').replace(LINK_CLOSE, '\\]').replace(TAG_OPEN, '\\<').replace(ENTITY, '\\&');
}

type Token = ReturnType<InstanceType<typeof MarkdownIt>['parse']>[number];

const ACTIVE = new Set(['link_open', 'image', 'html_inline', 'html_block', 'heading_open']);

function isInert(tokens: readonly Token[]): boolean {
  return tokens.every((token) => !ACTIVE.has(token.type) && isInert(token.children ?? []));
}
