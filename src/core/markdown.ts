import * as path from 'node:path';
import type { SourceRef } from './sources';

/**
 * Markdown writing helpers. Text from sources is data: it is escaped so that it renders exactly as
 * written and can never become a link, an image, HTML or a script in a preview or a webview.
 */

// Characters that can start markup anywhere in a line (CommonMark backslash-escapes all of them).
const INLINE_SPECIAL = /[\\`*_[\]<>&|~!{}]/g;

/**
 * What a Markdown preview turns into a live link by itself (markdown-it's linkify, on in VS Code):
 * URLs with a scheme, protocol-relative `//host`, `www.` names and e-mail addresses. Only verified web
 * sources are links in a report; any other such text is shown as code, which no preview links. A scheme
 * counts after any non-letter, `_` included (`_http://x` is linked too), as linkify sees it.
 */
const LINK_LIKE = /(?:(?<![\p{L}\p{N}])(?:https?|ftp|mailto):|(?<![\w/:])\/\/(?=[\w-]+\.)|(?<![\p{L}\p{N}])www\.)[^\s<>`|]+|[\w.+-]+@[\w-]+(?:\.[\w-]+)+/giu;
// Punctuation that ends a sentence rather than an address.
const TRAILING = /[.,;:!?'")\]}]+$/;

/**
 * Inline text shown exactly as written: markup characters escaped, line breaks made spaces (so the
 * text can never start a line of its own: a heading, a list, a quote), and link-like text shown as code.
 */
export function escapeInline(text: string): string {
  const flat = text.replace(/[ \t]*(?:\r\n?|[\n\u2028\u2029])[ \t]*/g, ' ');
  let out = '';
  let from = 0;
  for (const [start, end] of linkLikeSpans(flat)) {
    out += escapeText(flat.slice(from, start)) + codeSpan(flat.slice(start, end));
    from = end;
  }
  return out + escapeText(flat.slice(from));
}

/** Where `text` holds something a preview would link by itself, as [start, end) offsets, sentence punctuation excluded. */
export function linkLikeSpans(text: string): [start: number, end: number][] {
  const spans: [number, number][] = [];
  for (const match of text.matchAll(LINK_LIKE)) {
    const address = match[0].replace(TRAILING, '');
    if (address.length > 0) spans.push([match.index, match.index + address.length]);
  }
  return spans;
}

function escapeText(text: string): string {
  return text.replace(INLINE_SPECIAL, (c) => `\\${c}`);
}

/** A code span: CommonMark shows its content literally, with no escapes, emphasis or links. */
export function codeSpan(text: string): string {
  const flat = text.replace(/\s*[\r\n]+\s*/g, ' ');
  const longest = Math.max(0, ...[...flat.matchAll(/`+/g)].map((m) => m[0].length));
  const fence = '`'.repeat(longest + 1);
  // CommonMark strips one space from each side when both are there: padding keeps edge backticks apart.
  const pad = longest > 0 || flat.startsWith(' ') ? ' ' : '';
  return `${fence}${pad}${flat}${pad}${fence}`;
}

/** Escapes one line, including what only means something at the start of a line (headings, lists, quotes, rules). */
export function escapeLine(line: string): string {
  const escaped = escapeInline(line);
  return escaped
    .replace(/^(\s*)([#>+=-])/, '$1\\$2')
    .replace(/^(\s*\d+)([.)])/, '$1\\$2');
}

/** A blockquote that shows `text` verbatim. */
export function blockquote(text: string): string {
  return text
    .split('\n')
    .map((line) => (line.trim() === '' ? '>' : `> ${escapeLine(line)}`))
    .join('\n');
}

/** A fenced code block whose fence is longer than any backtick run inside, so the text cannot close it. */
export function codeFence(text: string, language = ''): string {
  const longest = Math.max(0, ...[...text.matchAll(/`+/g)].map((m) => m[0].length));
  const fence = '`'.repeat(Math.max(3, longest + 1));
  return `${fence}${language.replace(/[^\w+-]/g, '')}\n${text}\n${fence}`;
}

/** `path#Lstart-Lend`, the fragment VS Code opens at those lines; for a web source, its address and the lines of its stored copy. */
export function sourceLabel(source: SourceRef): string {
  const web = webUrl(source);
  if (web) return `${shortUrl(web)}, ${lineWords(source)}`;
  return source.startLine === source.endLine
    ? `${source.path}#L${source.startLine}`
    : `${source.path}#L${source.startLine}-L${source.endLine}`;
}

/**
 * The link target of a cited source, relative to the folder the report is written in, with each path
 * segment percent-encoded (spaces, parentheses) so the link survives any file name.
 *
 * The fragment is the first cited line, `#L12`: VS Code's Markdown preview and editor links open a
 * file at `#L12` (or `#L12,5`) but ignore a range such as `#L12-L20` and open it at the top. The link's
 * text still shows the whole range.
 */
export function sourceHref(source: SourceRef, root: string, reportDir: string): string {
  const web = webUrl(source);
  if (web) return markdownUrl(web);
  return storedHref(source, root, reportDir);
}

/** The link to the cited lines of the file itself (for a web source: of its stored copy). */
function storedHref(source: SourceRef, root: string, reportDir: string): string {
  return `${fileHref(source.path, root, reportDir)}#L${source.startLine}`;
}

/** The source's web address when it has one that may become a link (http or https only). */
export function webUrl(source: SourceRef): URL | undefined {
  if (source.url === undefined) return undefined;
  try {
    const url = new URL(source.url);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url : undefined;
  } catch {
    return undefined;
  }
}

/** A URL safe as a Markdown link destination: nothing in it can end the link or start markup. */
export function markdownUrl(url: URL): string {
  return url.href.replace(/[()<>\s\\`]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`);
}

/** `example.org/guide/page` — host and path, without the scheme, query or a trailing slash. */
export function shortUrl(url: URL): string {
  const pathPart = url.pathname === '/' ? '' : url.pathname.replace(/\/$/, '');
  return `${url.host}${decodeSafely(pathPart)}`;
}

function decodeSafely(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

function lineWords(source: SourceRef): string {
  return source.startLine === source.endLine ? `line ${source.startLine}` : `lines ${source.startLine}–${source.endLine}`;
}

/** The link target of a source file (root-relative `/` path), relative to the report's folder. */
export function fileHref(sourcePath: string, root: string, reportDir: string): string {
  const relative = path.relative(reportDir, path.join(root, ...sourcePath.split('/')));
  return relative.split(path.sep).map(encodeURIComponent).join('/');
}

/** `[path#L3-L9](../../path#L3)`; for a web source `[host/page, lines 3–9](https://…) ([stored copy](…#L3))`. */
export function citationLink(source: SourceRef, root: string, reportDir: string): string {
  const link = `[${escapeInline(sourceLabel(source))}](${sourceHref(source, root, reportDir)})`;
  // A web source also links to the stored copy the quote was checked against, at those lines.
  return webUrl(source) ? `${link} ([stored copy](${storedHref(source, root, reportDir)}))` : link;
}

/** A GitHub-style table; cells are escaped. */
export function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const cell = (c: string) => escapeInline(c).replace(/\n/g, ' ');
  return [
    `| ${header.map(cell).join(' | ')} |`,
    `| ${header.map(() => '---').join(' | ')} |`,
    ...rows.map((r) => `| ${r.map(cell).join(' | ')} |`),
  ].join('\n');
}
