import { lstatSync } from 'node:fs';
import * as path from 'node:path';
import { BoundedReadError, readBoundedFile } from '../bounded-read';
import { UsageError } from '../errors';
import { formatBytes } from '../format';

/**
 * Reading and checking the files of a run folder, which come with the folder researched and so may
 * have been planted by whoever wrote it: a `lock` that is a FIFO (reading it would hang the extension
 * host when the folder opens), a `report.md` that is a symbolic link to a file elsewhere (writing the
 * report would overwrite it), a multi-gigabyte journal. Everything here refuses such files with a
 * message that names them, instead of following, blocking on or loading them.
 */

/** Something in a run folder (or the output folder itself) that research will not read or write through. */
export class UnsafeRunFileError extends UsageError {
  constructor(
    readonly file: string,
    detail: string,
  ) {
    super(`${file} ${detail}`);
    this.name = 'UnsafeRunFileError';
  }
}

/** The largest run.json or lock read (they are a few hundred bytes when this program writes them). */
export const MAX_SMALL_RUN_FILE_BYTES = 1024 * 1024;
/** The largest journal read back: far above what 100,000 tasks write, far below what would exhaust memory. */
export const MAX_JOURNAL_BYTES = 512 * 1024 * 1024;

/**
 * The bytes of `file`, or undefined when it does not exist. Refuses (UnsafeRunFileError) a symbolic
 * link, anything that is not a regular file, and a file larger than `maxBytes`, without following,
 * waiting on or loading it (see readBoundedFile).
 */
export function readRunFile(file: string, maxBytes: number): Buffer | undefined {
  try {
    return readBoundedFile(file, maxBytes, { followLinks: false });
  } catch (error) {
    if (!(error instanceof BoundedReadError)) throw error;
    if (error.problem === 'link') throw new UnsafeRunFileError(file, NOT_A_LINK);
    if (error.problem === 'not-a-file') throw new UnsafeRunFileError(file, NOT_A_FILE);
    throw new UnsafeRunFileError(file, `is ${formatBytes(error.size)}, more than the ${formatBytes(maxBytes)} a run file can be: it was not written by Research Dispatcher; delete it or the run's folder`);
  }
}

const NOT_A_LINK = 'is a symbolic link: remove it (research reads and writes only real files in its run folders)';
const NOT_A_FILE = 'is not a regular file: remove it (research reads and writes only real files in its run folders)';

/** Refuses `file` if it exists as anything but a regular file (a link, a FIFO, a folder, a device). */
export function assertRegularOrMissing(file: string): void {
  const stat = lstatSync(file, { throwIfNoEntry: false });
  if (stat) assertRegular(file, stat);
}

function assertRegular(file: string, stat: { isFile(): boolean; isSymbolicLink(): boolean }): void {
  if (stat.isSymbolicLink()) throw new UnsafeRunFileError(file, NOT_A_LINK);
  if (!stat.isFile()) throw new UnsafeRunFileError(file, NOT_A_FILE);
}

/**
 * Checks the output folder (`.research` or research.outputFolder) of `root` before anything is written
 * there: it is a relative path that stays inside the folder researched, and neither it nor a folder on
 * the way to it is a symbolic link or a file. A folder shipped with a `.research` link to `~/.ssh`
 * must not make research write its journal and report there. Returns the output folder's path; it
 * need not exist yet.
 */
export function assertSafeOutputFolder(root: string, outputFolder: string): string {
  const base = path.resolve(root, outputFolder);
  const relative = path.relative(path.resolve(root), base);
  if (path.isAbsolute(outputFolder) || relative === '' || relative.startsWith('..') || path.isAbsolute(relative)) {
    throw new UsageError(`the output folder "${outputFolder}" is not a folder inside ${root}: set research.outputFolder to a relative path such as .research`);
  }
  let current = path.resolve(root);
  for (const part of relative.split(path.sep)) {
    current = path.join(current, part);
    const stat = lstatSync(current, { throwIfNoEntry: false });
    if (!stat) break;
    if (stat.isSymbolicLink()) {
      throw new UnsafeRunFileError(current, `is a symbolic link: research writes its runs only into a real folder inside the folder researched; remove the link (or move the output folder with research.outputFolder)`);
    }
    // A file in its place is no danger: the journal cannot be created, which costs a warning, not the run.
    if (!stat.isDirectory()) break;
  }
  return base;
}

/**
 * Checks a run's folder and the files research writes in it: the folder is a real folder (not a
 * link) inside a safe output folder, and its journal, run.json, lock and report are regular files or
 * missing.
 */
export function assertSafeRunDir(root: string, outputFolder: string, runDir: string, files: readonly string[]): void {
  const base = assertSafeOutputFolder(root, outputFolder);
  if (path.dirname(path.resolve(runDir)) !== base) throw new UsageError(`${runDir} is not a run folder of ${base}`);
  assertRealRunDir(runDir, files);
}

/** The run's folder, if it exists, is a real folder, and each of `files` in it is a regular file or missing. */
export function assertRealRunDir(runDir: string, files: readonly string[]): void {
  const stat = lstatSync(runDir, { throwIfNoEntry: false });
  if (!stat) return;
  if (stat.isSymbolicLink()) throw new UnsafeRunFileError(runDir, 'is a symbolic link: research reads and writes only real run folders; remove the link');
  if (!stat.isDirectory()) throw new UnsafeRunFileError(runDir, 'is not a folder: remove it');
  for (const name of files) assertRegularOrMissing(path.join(runDir, name));
}

