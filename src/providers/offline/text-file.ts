import { constants } from 'node:fs';
import { open } from 'node:fs/promises';

/** What reading a file as text found. Errors (missing, permission, not a regular file) are thrown. */
export type TextFileContent =
  | { kind: 'text'; text: string; stamp?: FileStamp }
  | { kind: 'binary'; stamp?: FileStamp }
  | { kind: 'too-large'; bytes: number };

/**
 * A file's size and modification time, as stat gives them: what the index cache compares to decide
 * that a file has not changed since it was read (the way build tools and git's index do).
 */
export interface FileStamp {
  size: number;
  mtimeMs: number;
}

/** How much of the start of a file is searched for a NUL byte, as git does to call a file binary. */
const BINARY_SNIFF_BYTES = 8 * 1024;

export interface ReadTextOptions {
  maxBytes: number;
  /**
   * Refuse to open the file when its last path component is a symbolic link. The walker has already
   * decided the entry is a regular file; this closes the gap in which it could be swapped for a link
   * pointing out of the workspace. (No effect on Windows, which has no O_NOFOLLOW.)
   */
  noFollow?: boolean;
}

/**
 * Reads a file as UTF-8 text with line endings normalised to `\n`: the one form in which passages are
 * indexed, quoted and later verified, so a quote and its re-read source compare byte for byte.
 * A NUL byte in the first 8 KiB or any invalid UTF-8 makes the file binary.
 */
export async function readTextFile(path: string, options: ReadTextOptions): Promise<TextFileContent> {
  const flags = constants.O_RDONLY | (options.noFollow ? (constants.O_NOFOLLOW ?? 0) : 0);
  const handle = await open(path, flags);
  try {
    const stats = await handle.stat();
    // Reading a FIFO or a device would block or never end.
    if (!stats.isFile()) throw new Error(`${path} is not a regular file`);
    if (stats.size > options.maxBytes) return { kind: 'too-large', bytes: stats.size };
    const bytes = await handle.readFile();
    // The file may have grown between stat and read.
    if (bytes.length > options.maxBytes) return { kind: 'too-large', bytes: bytes.length };
    const text = decodeText(bytes);
    // Stamped before the read: a change during the read gives a newer stamp, so the next walk re-reads.
    const stamp = { size: stats.size, mtimeMs: stats.mtimeMs };
    return text === undefined ? { kind: 'binary', stamp } : { kind: 'text', text, stamp };
  } finally {
    await handle.close();
  }
}

/** Decodes UTF-8 text, or returns undefined for content that is not text. */
export function decodeText(bytes: Uint8Array): string | undefined {
  if (bytes.subarray(0, BINARY_SNIFF_BYTES).includes(0)) return undefined;
  try {
    // `fatal` turns invalid UTF-8 into an error instead of U+FFFD, which would make quotes that
    // no longer match the file. A leading BOM is dropped, the same way every time.
    return normaliseLineEndings(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
  } catch {
    return undefined;
  }
}

export function normaliseLineEndings(text: string): string {
  return text.replace(/\r\n?/g, '\n');
}

/** Lines of normalised text; line n (1-based) is `lines[n - 1]`. */
export function splitLines(text: string): string[] {
  return text.split('\n');
}
