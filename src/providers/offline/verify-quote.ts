import { realpath } from 'node:fs/promises';
import { isAbsolute, resolve } from 'node:path';
import type { Finding } from '../../core/sources';
import { readTextFile, splitLines } from './text-file';
import { isInside } from './workspace-walker';

/** Larger than the index's cap: a model-backed provider may cite a file the offline index skipped. */
const VERIFY_MAX_BYTES = 16 * 1024 * 1024;

/**
 * Re-reads the cited file and checks that the quote is exactly its lines startLine..endLine. False
 * for anything that cannot be checked: a path outside the root (also through a link), a file that is
 * gone, binary or too large, lines out of range.
 */
export async function verifyQuote(root: string, finding: Finding): Promise<boolean> {
  const lines = await readSourceLines(root, finding.source.path);
  return lines !== undefined && quoteMatches(lines, finding);
}

/** The lines of a file under `root`, or undefined when it cannot be read as text inside the root. */
export async function readSourceLines(root: string, path: string): Promise<string[] | undefined> {
  if (path === '' || isAbsolute(path) || path.split(/[/\\]/).includes('..')) return undefined;
  try {
    const [realRoot, realFile] = await Promise.all([realpath(root), realpath(resolve(root, path))]);
    if (!isInside(realRoot, realFile)) return undefined;
    const content = await readTextFile(realFile, { maxBytes: VERIFY_MAX_BYTES });
    return content.kind === 'text' ? splitLines(content.text) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Whether the finding's quote is its lines startLine..endLine: exactly (`whole`, the offline
 * provider's whole-passage quotes) or a verbatim span within them (`within`, quotes a model picked).
 */
export function quoteMatches(lines: readonly string[], finding: Finding, mode: 'whole' | 'within' = 'whole'): boolean {
  const { startLine, endLine } = finding.source;
  if (!Number.isInteger(startLine) || !Number.isInteger(endLine) || startLine < 1 || endLine < startLine || endLine > lines.length) {
    return false;
  }
  const text = lines.slice(startLine - 1, endLine).join('\n');
  return mode === 'whole' ? text === finding.quote : text.includes(finding.quote);
}
