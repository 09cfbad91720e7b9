import { randomBytes } from 'node:crypto';
import { closeSync, openSync, statSync, unlinkSync, type Stats } from 'node:fs';
import * as path from 'node:path';
import { errorMessage, UsageError } from './errors';

/**
 * Refuses, before anything is planned or sent, a report path that could not be written at the end:
 * an existing folder, a parent that is a file, a folder (or disk) that cannot be written. Without it
 * the run's whole work and cost is spent before the write fails.
 *
 * Creates nothing that stays: the parent folders are only made when the report is written, so a run
 * that then fails to plan leaves no empty run folder behind. The probe is a temporary file in the
 * nearest existing folder on the way, removed at once; an existing report is opened for appending,
 * which neither truncates nor changes it.
 */
export function assertWritableReportPath(file: string): void {
  const target = path.resolve(file);
  const existing = statIfAny(target);
  if (existing?.isDirectory()) {
    throw new UsageError(`the report path ${target} is a folder: give a file inside it (e.g. ${path.join(target, 'report.md')}) or another file path`);
  }
  if (existing && !existing.isFile()) {
    throw new UsageError(`the report path ${target} is not a regular file (a device, pipe or socket): give a file path`);
  }
  const folder = nearestExistingAncestor(path.dirname(target));
  if (!statSync(folder).isDirectory()) {
    throw new UsageError(`the report ${target} cannot be written: ${folder} is a file, not a folder; choose a report path in a folder`);
  }
  try {
    if (existing) closeSync(openSync(target, 'a'));
    probeFolder(folder);
  } catch (error) {
    throw new UsageError(`the report ${target} cannot be written (${errorMessage(error)}): choose a report path on a disk and in a folder you can write to`);
  }
}

function nearestExistingAncestor(folder: string): string {
  let current = folder;
  while (!statIfAny(current)) {
    const parent = path.dirname(current);
    if (parent === current) break;
    current = parent;
  }
  return current;
}

/** The path's stat, or undefined when nothing is there — including when a parent on the way is a file. */
function statIfAny(file: string): Stats | undefined {
  try {
    return statSync(file);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return undefined;
    throw error;
  }
}

/** Creates and removes a file in `folder`: the same rights the report's temp-and-rename write needs. */
function probeFolder(folder: string): void {
  const probe = path.join(folder, `.research-write-check-${process.pid}-${randomBytes(3).toString('hex')}`);
  closeSync(openSync(probe, 'wx', 0o600));
  unlinkSync(probe);
}
