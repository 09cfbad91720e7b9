import { randomBytes } from 'node:crypto';
import { lstat, mkdir, open, rename, unlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { errorMessage } from './errors';
import { REPORT_FILE } from './journal/report-path';

/** Writes one file; injectable so tests can make it fail the way a full or read-only disk does. */
export type WriteFile = (file: string, text: string) => Promise<void>;

/**
 * Writes `text` to `file` atomically: into a temporary file beside it, flushed, then renamed over it.
 * A full disk or a crash therefore leaves the old file or none — never an empty or half report — and
 * the temporary file is removed when the write fails.
 */
export async function writeFileAtomic(file: string, text: string): Promise<void> {
  // A rename replaces whatever is there: never a device, pipe or folder standing where the report goes.
  const existing = await lstat(file).catch(() => undefined);
  if (existing && !existing.isFile() && !existing.isSymbolicLink()) {
    throw Object.assign(new Error(`${file} is not a regular file; it was left as it is`), { code: existing.isDirectory() ? 'EISDIR' : 'EEXIST' });
  }
  await mkdir(path.dirname(file), { recursive: true });
  const temp = `${file}.${process.pid}-${randomBytes(3).toString('hex')}.tmp`;
  try {
    const handle = await open(temp, 'wx', 0o644);
    try {
      await handle.writeFile(text, 'utf8');
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temp, file);
  } catch (error) {
    await unlink(temp).catch(() => undefined);
    throw error;
  }
}

export interface WrittenReport {
  /** Where the report really is. */
  file: string;
  /** The places tried before it, and why each failed; empty when the first one worked. */
  failed: { file: string; error: unknown }[];
}

/**
 * Writes the report at the end of a run, when giving up would lose everything the run paid for: the
 * chosen path first, then the run's own folder, then the system's temporary folder. `render` is given
 * each place in turn because the report's links are relative to its own folder.
 */
export async function writeReportWithFallback(options: {
  reportPath: string;
  runDir: string;
  runId: string;
  render: (reportPath: string) => string;
  write?: WriteFile;
}): Promise<WrittenReport> {
  const write = options.write ?? writeFileAtomic;
  const places = [...new Set([options.reportPath, path.join(options.runDir, REPORT_FILE), path.join(tmpdir(), `research-${options.runId}-report.md`)].map((p) => path.resolve(p)))];
  const failed: WrittenReport['failed'] = [];
  for (const file of places) {
    try {
      await write(file, options.render(file));
      return { file, failed };
    } catch (error) {
      failed.push({ file, error });
    }
  }
  throw new Error(`the report could not be written anywhere: ${failed.map((f) => `${f.file} (${errorMessage(f.error)})`).join('; ')}`);
}
