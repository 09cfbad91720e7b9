import { lstatSync, type Dirent } from 'node:fs';
import { readdir, readFile, realpath } from 'node:fs/promises';
import { isAbsolute, join, relative, sep } from 'node:path';
import { isGeneratedFile } from './generated-files';
import { GitignoreChain } from './gitignore-rules';
import { readTextFile, type FileStamp, type TextFileContent } from './text-file';

/** A text file of the workspace. `path` is relative to the root, with `/` separators. */
export interface TextFile {
  path: string;
  /** UTF-8 text, line endings normalised to `\n`. */
  text: string;
  /** Size and mtime when it was read (absent only from a reader that does not stat). */
  stamp?: FileStamp;
}

/**
 * What an earlier walk learnt of the folder's files, so that a file that has not changed is not read
 * again (reading is where a walk spends its time). The caller keeps the passages of such files.
 */
export interface WalkRecall {
  /**
   * Asked first, before any stat: the kind of a file the caller knows has not changed (a file-system
   * watcher saw no event for it), or undefined to stat it.
   */
  unchanged?(path: string): 'text' | 'binary' | undefined;
  /** A stamp taken a moment ago (stamp-prefetch.ts), used instead of a stat; undefined to stat. */
  prefetched?(path: string): FileStamp | undefined;
  /** The kind recorded for this path with exactly this size and mtime, or undefined to read it. */
  stamped(path: string, stamp: FileStamp): 'text' | 'binary' | undefined;
  /** A text file recalled instead of read, in walk order. Returning false says the same as onFile's false. */
  onRecalled(path: string): boolean | void;
}

/** What the walk left out and why, so the report can say what it did not read. */
export interface SkipCounts {
  /** Files and whole folders matched by a `.gitignore`. */
  ignored: number;
  /** A NUL byte near the start, or not valid UTF-8. */
  binary: number;
  /** Larger than the size cap. */
  tooLarge: number;
  /** Written by tools: lock files, minified code, source maps (see generated-files.ts). */
  generated: number;
  /** Symbolic links whose target lies outside the root. */
  linkOutside: number;
  /** Symbolic links whose target lies inside the root, which the walk reads under its own path. */
  linkInside: number;
  /** Could not be read (permissions, vanished during the walk, broken or looping links). */
  unreadable: number;
}

export interface WalkOptions {
  root: string;
  maxFileBytes: number;
  /** At most this many files are opened; the walk stops there and reports `truncated`. */
  maxFiles: number;
  /**
   * The folder runs write their reports into, never searched (a report would otherwise quote the
   * previous report). A bare name (`.research`) is skipped at any depth; a path (`out/research`)
   * only there.
   */
  outputFolder: string;
  signal: AbortSignal;
  /**
   * Called for each text file, in a stable order (folders depth first, names sorted). Returning false
   * says that no more files are wanted (the index is full): the walk goes on only to count the files
   * it then does not open, in `notRead`.
   */
  onFile(file: TextFile): boolean | void;
  /** Called now and then with the number of files opened so far. */
  onProgress?(filesOpened: number): void;
  /** A file read and found binary, so that a later walk can skip it unread (see `recall`). */
  onBinary?(path: string, stamp: FileStamp): void;
  /** Files known from an earlier walk; without it every file is read (and none is stat'ed first). */
  recall?: WalkRecall;
  /** Test hook: how a file is read (default readTextFile). */
  readText?: typeof readTextFile;
}

/** What became of one file of a batch: read, recalled from an earlier walk, or unreadable. */
type FileOutcome = TextFileContent | { kind: 'recalled-text' } | { kind: 'recalled-binary' } | undefined;

export interface WalkSummary {
  textFiles: number;
  skipped: SkipCounts;
  /** The walk stopped at `maxFiles` before it had seen everything. */
  truncated: boolean;
  /** Text files not opened because `onFile` had returned false. */
  notRead: number;
}

/** Folders that are never research material, whatever `.gitignore` says. */
const ALWAYS_EXCLUDED = new Set(['.git', 'node_modules']);

/** Files read at once: enough to hide file-system latency, few enough not to exhaust handles. */
const READ_CONCURRENCY = 16;

interface PendingDirectory {
  abs: string;
  /** Relative to the root with `/` separators; '' for the root. */
  rel: string;
  rules: GitignoreChain;
}

/**
 * Walks the workspace and hands each text file to `onFile`. Iterative (an explicit stack, so a deep
 * tree cannot overflow the call stack) and never follows a symbolic link: links are counted, not
 * entered, so nothing outside the root is read and link loops cannot trap the walk. Unreadable
 * entries are counted and skipped; only an unreadable root is an error.
 */
export async function walkWorkspace(options: WalkOptions): Promise<WalkSummary> {
  const { signal } = options;
  const skipped: SkipCounts = { ignored: 0, binary: 0, tooLarge: 0, generated: 0, linkOutside: 0, linkInside: 0, unreadable: 0 };
  const summary: WalkSummary = { textFiles: 0, skipped, truncated: false, notRead: 0 };
  let wantsMore = true;
  const realRoot = await realpath(options.root);
  const isExcluded = excludedFolderTest(options.root, options.outputFolder);
  let filesOpened = 0;

  const stack: PendingDirectory[] = [{ abs: options.root, rel: '', rules: GitignoreChain.empty }];
  while (stack.length > 0) {
    signal.throwIfAborted();
    const dir = stack.pop()!;
    let entries: Dirent[];
    try {
      entries = await readdir(dir.abs, { withFileTypes: true });
    } catch (error) {
      if (dir.rel === '') throw error;
      skipped.unreadable++;
      continue;
    }
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    const rules = await withGitignoreOf(dir, entries);

    const subdirectories: PendingDirectory[] = [];
    const files: { abs: string; rel: string }[] = [];
    for (const entry of entries) {
      const rel = dir.rel === '' ? entry.name : `${dir.rel}/${entry.name}`;
      const abs = join(dir.abs, entry.name);
      // Whatever the entry's type: a worktree's `.git` is a file, pnpm's `node_modules` may be a link.
      if (isExcluded(entry.name, rel)) continue;
      if (rules.ignores(rel, entry.isDirectory())) {
        skipped.ignored++;
      } else if (entry.isSymbolicLink()) {
        await countLink(abs, realRoot, skipped);
      } else if (entry.isDirectory()) {
        subdirectories.push({ abs, rel, rules });
      } else if (entry.isFile()) {
        if (isGeneratedFile(entry.name)) skipped.generated++;
        else files.push({ abs, rel });
      }
      // Sockets, FIFOs and devices are not documents; opening a FIFO would block.
    }

    if (!wantsMore) {
      summary.notRead += files.length;
      files.length = 0;
    }
    for (let start = 0; start < files.length; start += READ_CONCURRENCY) {
      signal.throwIfAborted();
      if (!wantsMore) {
        summary.notRead += files.length - start;
        break;
      }
      let batch = files.slice(start, start + READ_CONCURRENCY);
      if (filesOpened + batch.length > options.maxFiles) {
        batch = batch.slice(0, options.maxFiles - filesOpened);
        summary.truncated = true;
      }
      filesOpened += batch.length;
      const contents = await Promise.all(batch.map((file) => visitFile(file, options)));
      signal.throwIfAborted();
      contents.forEach((content, i) => {
        if (content === undefined) skipped.unreadable++;
        else if (content.kind === 'binary' || content.kind === 'recalled-binary') {
          skipped.binary++;
          if (content.kind === 'binary' && content.stamp) options.onBinary?.(batch[i].rel, content.stamp);
        } else if (content.kind === 'too-large') skipped.tooLarge++;
        else if (!wantsMore) summary.notRead++;
        else {
          summary.textFiles++;
          const more =
            content.kind === 'recalled-text'
              ? options.recall!.onRecalled(batch[i].rel)
              : options.onFile({ path: batch[i].rel, text: content.text, stamp: content.stamp });
          if (more === false) wantsMore = false;
        }
      });
      options.onProgress?.(filesOpened);
      if (summary.truncated) return summary;
    }
    // Reversed, so the stack pops them in name order.
    for (let i = subdirectories.length - 1; i >= 0; i--) stack.push(subdirectories[i]);
  }
  return summary;
}

/**
 * Reads one file, unless the recall knows it: then only a stat (or not even that) is spent on it. A
 * file over the size cap is told by its stat alone, as readTextFile would tell it.
 */
async function visitFile(file: { abs: string; rel: string }, options: WalkOptions): Promise<FileOutcome> {
  const read = options.readText ?? readTextFile;
  const { recall } = options;
  try {
    if (recall) {
      const known = recall.unchanged?.(file.rel);
      if (known !== undefined) return { kind: known === 'text' ? 'recalled-text' : 'recalled-binary' };
      // Synchronous: a stat takes microseconds, and the promise and thread-pool round trip of the
      // asynchronous one cost more than the call itself (a third of a warm start over 10,000 files).
      const stamp = recall.prefetched?.(file.rel) ?? regularFileStamp(file.abs);
      if (stamp) {
        if (stamp.size > options.maxFileBytes) return { kind: 'too-large', bytes: stamp.size };
        const kind = recall.stamped(file.rel, stamp);
        if (kind !== undefined) return { kind: kind === 'text' ? 'recalled-text' : 'recalled-binary' };
      }
    }
    return await read(file.abs, { maxBytes: options.maxFileBytes, noFollow: true });
  } catch {
    return undefined;
  }
}

function regularFileStamp(abs: string): FileStamp | undefined {
  const stats = lstatSync(abs);
  return stats.isFile() ? { size: stats.size, mtimeMs: stats.mtimeMs } : undefined;
}

/** The directory's rules, extended by its own `.gitignore` when it has one (an unreadable one is ignored). */
async function withGitignoreOf(dir: PendingDirectory, entries: readonly Dirent[]): Promise<GitignoreChain> {
  if (!entries.some((entry) => entry.name === '.gitignore' && entry.isFile())) return dir.rules;
  try {
    return dir.rules.with(dir.rel, await readFile(join(dir.abs, '.gitignore'), 'utf8'));
  } catch {
    return dir.rules;
  }
}

function excludedFolderTest(root: string, outputFolder: string): (name: string, rel: string) => boolean {
  const output = (isAbsolute(outputFolder) ? relative(root, outputFolder) : outputFolder)
    .replace(/\\/g, '/').replace(/^\.\/+|\/+$/g, '');
  const outputIsName = output !== '' && !output.includes('/');
  return (name, rel) => ALWAYS_EXCLUDED.has(name) || (outputIsName ? name === output : rel === output);
}

async function countLink(abs: string, realRoot: string, skipped: SkipCounts): Promise<void> {
  try {
    const target = await realpath(abs);
    if (isInside(realRoot, target)) skipped.linkInside++;
    else skipped.linkOutside++;
  } catch {
    skipped.unreadable++; // broken, looping, or not permitted
  }
}

export function isInside(root: string, path: string): boolean {
  const rel = relative(root, path);
  return rel === '' || (rel !== '..' && !rel.startsWith(`..${sep}`) && !isAbsolute(rel));
}
