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
 * Splits a file into passages: paragraphs separated by blank lines, at most MAX_PASSAGE_LINES each.
 * In Markdown a heading starts a passage and stays with the paragraph under it, so a search for the
 * heading's words finds the text it introduces (`#` lines inside code fences are not headings).
 * Blank lines never start or end a passage, so every passage begins and ends with text.
 */
export function splitIntoPassages(path: string, text: string): SplitResult {
  const lines = splitLines(text);
  const markdown = MARKDOWN_FILE.test(path);
  const passages: Passage[] = [];
  let overlongLines = 0;
  /** Index (0-based) of the first line of the open passage, or -1. */
  let start = -1;
  /** Index of the last non-blank line of the open passage. */
  let last = -1;
  let chars = 0;
  let headingOnly = false;
  let inFence = false;

  const close = () => {
    if (start >= 0) {
      passages.push({ path, startLine: start + 1, endLine: last + 1, text: lines.slice(start, last + 1).join('\n') });
    }
    start = -1;
    chars = 0;
    headingOnly = false;
  };

  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    if (line.trim() === '') {
      // A heading waits for its paragraph; anything else ends at a blank line.
      if (!headingOnly) close();
      continue;
    }
    if (line.length > MAX_PASSAGE_CHARS) {
      close();
      overlongLines++;
      continue;
    }
    const heading = markdown && !inFence && MARKDOWN_HEADING.test(line);
    if (markdown && MARKDOWN_FENCE.test(line)) inFence = !inFence;
    const lineCount = start < 0 ? 0 : i - start;
    if (heading || lineCount >= MAX_PASSAGE_LINES || chars + line.length + 1 > MAX_PASSAGE_CHARS) close();
    if (start < 0) start = i;
    last = i;
    chars += line.length + 1;
    headingOnly = heading;
  }
  close();
  return { passages, overlongLines };
}
