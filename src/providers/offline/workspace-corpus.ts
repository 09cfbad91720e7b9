import { updateCorpus } from './corpus-update';
import type { BudgetReport, IndexBudget } from './index-budget';
import type { PassageIndex } from './passage-index';
import type { ProgressListener } from './shared-build';
import type { readTextFile } from './text-file';
import type { SkipCounts } from './workspace-walker';

export interface CorpusOptions {
  root: string;
  maxFileBytes: number;
  maxFiles: number;
  outputFolder: string;
  /** What the index may hold at most; default DEFAULT_INDEX_BUDGET. */
  budget?: IndexBudget;
  /** Test hook: how files are read (default readTextFile), e.g. to see which files an update reads. */
  readText?: typeof readTextFile;
}

/** What was searched and what was left out: plain data, carried in task results to the report. */
export interface CorpusStats {
  /** The root folder's name (not its full path: reports get shared). */
  folder: string;
  textFiles: number;
  passages: number;
  skipped: SkipCounts;
  /** Single lines too long to quote (minified code and the like), left out of the index. */
  overlongLines: number;
  /** The walk stopped at `maxFiles`. */
  truncated: boolean;
  maxFileBytes: number;
  maxFiles: number;
  /** What the index budget left out, and its limits. Absent in results recorded before it existed. */
  budget?: BudgetReport;
}

export interface Corpus {
  index: PassageIndex;
  stats: CorpusStats;
}

/** Reads the workspace and indexes its passages. Aborts between files and between index chunks. */
export async function buildCorpus(options: CorpusOptions, signal: AbortSignal, progress: ProgressListener): Promise<Corpus> {
  const { state } = await updateCorpus(options, undefined, 'stat-all', signal, progress);
  return { index: state.index, stats: state.stats };
}
