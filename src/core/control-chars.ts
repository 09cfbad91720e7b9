/**
 * Control characters in text this program did not write — a question, a task id, a file name, a
 * model's answer — must not act on the terminal or the document they are shown in: `ESC ] 0;…BEL`
 * retitles a terminal, `ESC [2J` clears it, a carriage return or newline forges a progress line, and
 * bidirectional overrides reorder what a reader sees ("Trojan Source"). Everything printed is escaped
 * with these functions; everything written to a document drops them.
 */

// C0 controls except tab and newline, DEL, C1 controls, the Unicode line and paragraph separators,
// and the bidirectional embedding, override and isolate marks.
const CONTROLS = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;
const CONTROLS_AND_NEWLINES = /[\u0000-\u0008\u000a-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

function visible(c: string): string {
  if (c === '\n') return '\\n';
  if (c === '\r') return '\\r';
  const code = c.charCodeAt(0);
  return code < 0x100 ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
}

/** One line for a terminal or a log: every control character, newlines included, shown as an escape (`\x1b`, `\n`). */
export function printableLine(text: string): string {
  return text.replace(CONTROLS_AND_NEWLINES, visible);
}

/**
 * A message for a terminal that may span lines (an error listing problems): control characters are
 * shown as escapes, and every line after the first is indented, so nothing in it can pass for a line
 * of the program's own (a progress line, "research: …").
 */
export function printableText(text: string): string {
  return text
    .replace(/\r\n?/g, '\n')
    .replace(CONTROLS, visible)
    .replace(/\n(?!$)/g, '\n  ');
}

/** Text for a document (the report): control characters removed, tabs and newlines kept. */
export function withoutControls(text: string): string {
  return text.replace(/\r\n?/g, '\n').replace(CONTROLS, '');
}

/**
 * A JSON line a terminal may show (`--json`): JSON.stringify escapes C0 controls but leaves DEL, C1
 * controls, the line separators and bidirectional marks raw; they are escaped too (still valid JSON).
 */
export function jsonLine(value: unknown): string {
  return JSON.stringify(value).replace(/[\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
