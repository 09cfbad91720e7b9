import { fileBoilerplate, passageBoilerplate, type BoilerplateKind } from './boilerplate';
import { declarationAt, DOC_COMMENT_LINE, hasDeclarations, type Declaration } from './code-declarations';
import { languageForPath } from './code-language';
import { splitLines } from './text-file';

/** A run of consecutive lines of one file: the unit that is indexed, ranked and quoted. */
export interface Passage {
  /** Relative to the root, `/` separators. */
  path: string;
  /** 1-based, inclusive. */
  startLine: number;
  /** 1-based, inclusive. */
  endLine: number;
  /** Exactly lines startLine..endLine joined with `\n`. */
  text: string;
  /** In Markdown, the headings the passage sits under, outermost first, as plain words. */
  headings?: string[];
  /** In code, the declaration the passage is in: `function retryDelay`, `method Dispatcher.cancel`. */
  symbol?: string;
  /** Navigation or boilerplate (boilerplate.ts): ranked low. */
  boilerplate?: BoilerplateKind;
}

/** Long enough to hold a function or a paragraph, short enough to quote whole in a report. */
export const MAX_PASSAGE_LINES = 20;
/**
 * A passage is also cut before it grows past this many characters. A single line longer than this
 * (minified code, data on one line) is left out: no reader can use such a quote.
 */
export const MAX_PASSAGE_CHARS = 4000;

const MARKDOWN_FILE = /\.(md|markdown|mdx)$/i;
const MARKDOWN_HEADING = /^ {0,3}#{1,6}(\s|$)/;
const MARKDOWN_FENCE = /^ {0,3}(```|~~~)/;

export interface SplitResult {
  passages: Passage[];
  /** Lines left out because each alone exceeds MAX_PASSAGE_CHARS. */
  overlongLines: number;
}

/**
 * Splits a file into passages. Prose: paragraphs separated by blank lines, at most MAX_PASSAGE_LINES
 * each. In Markdown a heading starts a passage and stays with the paragraph under it, so a search for
 * the heading's words finds the text it introduces (`#` lines inside code fences are not headings),
 * and every passage carries the trail of headings it sits under. In code a declaration (a function,
 * a class, a method) starts a passage, its doc comment with it, and blank lines inside a function do
 * not cut it; each passage names the declaration it is in. Blank lines never start or end a passage,
 * so every passage begins and ends with text.
 */
export function splitIntoPassages(path: string, text: string): SplitResult {
  const lines = splitLines(text);
  const markdown = MARKDOWN_FILE.test(path);
  const language = languageForPath(path);
  const code = hasDeclarations(language);
  const fileKind = fileBoilerplate(text);
  const passages: Passage[] = [];
  let overlongLines = 0;
  /** Index (0-based) of the first line of the open passage, or -1. */
  let start = -1;
  /** Index of the last non-blank line of the open passage. */
  let last = -1;
  let chars = 0;
  let headingOnly = false;
  let inFence = false;
  /** Markdown: the heading trail in effect, by level (index 0 is `#`). */
  const trail: string[] = [];
  let passageTrail: string[] = [];
  /** Code: the declarations open at the current line, outermost first, and the symbol of each line. */
  const scopes: Declaration[] = [];
  const lineSymbols: (string | undefined)[] = [];
  let symbol: string | undefined;
  /** Code: the first line of the run of comment lines just above the current line, or -1. */
  let commentRun = -1;
  /** Code: the declaration that opened the current passage: its first members stay with its header. */
  let opener: Declaration | undefined;

  const emit = (from: number, to: number) => {
    const passageText = lines.slice(from, to + 1).join('\n');
    const passage: Passage = { path, startLine: from + 1, endLine: to + 1, text: passageText };
    if (markdown && passageTrail.length > 0) passage.headings = passageTrail;
    if (code) {
      const symbol = symbolOf(lines, lineSymbols, from, to);
      if (symbol) passage.symbol = symbol;
    }
    const kind = fileKind ?? (code ? undefined : passageBoilerplate(passageText));
    if (kind) passage.boilerplate = kind;
    passages.push(passage);
  };
  const close = () => {
    if (start >= 0) emit(start, last);
    start = -1;
    chars = 0;
    headingOnly = false;
  };
  /** Closes the open passage before line `at`, and opens one there (code: a doc comment joins its declaration). */
  const cutBefore = (at: number) => {
    if (start >= 0 && at > start) {
      let end = at - 1;
      while (end >= start && lines[end].trim() === '') end--;
      if (end >= start) emit(start, end);
    }
    start = at;
    chars = 0;
    opener = undefined;
    for (let j = at; j < lines.length && j < last + 1; j++) chars += lines[j].length + 1;
  };

  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    if (line.trim() === '') {
      commentRun = -1;
      // A heading waits for its paragraph; anything else ends at a blank line, except inside code.
      if (!headingOnly && !code) close();
      continue;
    }
    if (line.length > MAX_PASSAGE_CHARS) {
      close();
      overlongLines++;
      commentRun = -1;
      continue;
    }
    const heading = markdown && !inFence && MARKDOWN_HEADING.test(line);
    if (markdown && MARKDOWN_FENCE.test(line)) inFence = !inFence;
    let declaration: Declaration | undefined;
    if (code) {
      declaration = declarationAt(line, language!);
      if (trackScopes(scopes, line, declaration)) symbol = describeScope(scopes);
      lineSymbols[i] = symbol;
    }
    const lineCount = start < 0 ? 0 : i - start;
    if (heading || lineCount >= MAX_PASSAGE_LINES || chars + line.length + 1 > MAX_PASSAGE_CHARS) {
      close();
    } else if (declaration && declaration.indent <= MAX_SPLITTING_INDENT && start >= 0 && !(opener && declaration.indent > opener.indent && i - start <= 2)) {
      // The declaration's doc comment, directly above it, starts its passage.
      const from = commentRun >= 0 && commentRun > start ? commentRun : commentRun === start ? -1 : i;
      if (from >= 0) cutBefore(from);
    }
    if (heading) {
      const level = /#+/.exec(line.trim())![0].length;
      trail.length = level - 1;
      trail[level - 1] = headingText(line);
      for (let l = 0; l < level - 1; l++) trail[l] ??= '';
    }
    if (start < 0 || start === i) {
      start = i;
      passageTrail = trail.filter((h) => h !== '');
      opener = declaration;
    } else if (declaration && start >= commentRun && commentRun >= 0 && opener === undefined) {
      opener = declaration;
    }
    last = i;
    chars += line.length + 1;
    headingOnly = heading;
    if (code) commentRun = DOC_COMMENT_LINE.test(line) ? (commentRun >= 0 ? commentRun : i) : -1;
  }
  close();
  return { passages, overlongLines };
}

/** Declarations nested deeper than this (a function inside a method) stay in their enclosing passage. */
const MAX_SPLITTING_INDENT = 4;
const CLOSING_LINE = /^\s*(?:[}\])]|end\b)/;

/**
 * Updates the open declarations for a line: a line at or left of a declaration's indent ends it (a
 * closing `}` at the same indent still belongs to it). Says whether anything changed.
 */
function trackScopes(scopes: Declaration[], line: string, declaration: Declaration | undefined): boolean {
  let changed = false;
  if (scopes.length > 0) {
    const indent = line.length - line.trimStart().length;
    if (indent <= scopes[scopes.length - 1].indent && !DOC_COMMENT_LINE.test(line)) {
      while (scopes.length > 0 && indent <= scopes[scopes.length - 1].indent && !(CLOSING_LINE.test(line) && indent === scopes[scopes.length - 1].indent && !declaration)) {
        scopes.pop();
        changed = true;
      }
    }
  }
  if (declaration) scopes.push(declaration);
  return changed || declaration !== undefined;
}

const TYPE_KINDS = new Set(['class', 'interface', 'struct', 'impl', 'trait', 'enum', 'object', 'record', 'module', 'namespace']);

/** `method Dispatcher.cancel`: the innermost declaration, qualified by the type it is a member of. */
function describeScope(scopes: readonly Declaration[]): string | undefined {
  const inner = scopes[scopes.length - 1];
  if (!inner) return undefined;
  const outer = scopes[scopes.length - 2];
  const kind = inner.kind === 'function' && outer && TYPE_KINDS.has(outer.kind) ? 'method' : inner.kind;
  return outer && TYPE_KINDS.has(outer.kind) ? `${kind} ${outer.name}.${inner.name}` : `${kind} ${inner.name}`;
}

/** The symbol of a passage: that of its first line that is not a comment (its declaration, if it has one). */
function symbolOf(lines: readonly string[], symbols: readonly (string | undefined)[], from: number, to: number): string | undefined {
  for (let i = from; i <= to; i++) {
    if (lines[i].trim() !== '' && !DOC_COMMENT_LINE.test(lines[i])) return symbols[i];
  }
  return symbols[from];
}

/** A heading line as plain words: no `#`s, emphasis, code marks or link targets. */
export function headingText(line: string): string {
  return line
    .trim()
    .replace(/^#{1,6}\s*/, '')
    .replace(/\s+#+\s*$/, '')
    .replace(/!?\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/<[^>]+>/g, '')
    .replace(/[`*_]/g, '')
    .trim();
}
