import * as path from 'node:path';
import { LOCK_FILE } from './lock';
import { JOURNAL_FILE } from './records';
import { RUN_META_FILE, type RunMeta } from './run-meta';

export const REPORT_FILE = 'report.md';
/** The files of a run folder that research reads or writes; each must be a regular file or missing. */
export const RUN_FILES: readonly string[] = [JOURNAL_FILE, RUN_META_FILE, LOCK_FILE, REPORT_FILE];

/**
 * Where the resumed run writes its report when no --out is typed again: where run.json says it was
 * written (moved with the folder if the folder was moved), but only inside the run's own folder. A
 * run.json that names a path elsewhere (a planted one could name ~/.bashrc) is ignored with a notice.
 */
export function reportPathInRunDir(meta: RunMeta | undefined, root: string, runDir: string, notice: (message: string) => void = () => undefined): string {
  const fallback = path.join(runDir, REPORT_FILE);
  if (!meta) return fallback;
  const relative = path.relative(meta.root, meta.reportPath);
  const moved = meta.root !== root && relative !== '' && !relative.startsWith('..') && !path.isAbsolute(relative);
  const recorded = path.resolve(moved ? path.join(root, relative) : meta.reportPath);
  if (path.dirname(recorded) === path.resolve(runDir) && path.basename(recorded) !== '' && !RUN_FILES.includes(path.basename(recorded)) && path.extname(recorded) === '.md') return recorded;
  if (recorded !== fallback) notice(`run.json names ${JSON.stringify(meta.reportPath)} as the report, which is outside the run's folder: it is ignored, and the report is written to ${fallback} (type --out <file> to write it elsewhere)`);
  return fallback;
}
