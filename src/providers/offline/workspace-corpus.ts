import { basename } from 'node:path';
import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import { errorMessage, PermanentError } from '../../core/errors';
import { DEFAULT_INDEX_BUDGET, IndexBudgetKeeper, type BudgetReport, type IndexBudget } from './index-budget';
import { PassageIndex } from './passage-index';
import { splitIntoPassages, type Passage } from './passages';
import type { ProgressListener } from './shared-build';
import { walkWorkspace, type SkipCounts } from './workspace-walker';

export interface CorpusOptions {
  root: string;
  maxFileBytes: number;
  maxFiles: number;
  outputFolder: string;
  /** What the index may hold at most; default DEFAULT_INDEX_BUDGET. */
  budget?: IndexBudget;
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

/** Passages added to the index between two checks of the signal and two turns of the event loop. */
const INDEX_CHUNK = 500;
/** Walk progress is reported at most this often; the walk reads a batch of files every few ms. */
const PROGRESS_INTERVAL_MS = 200;

/** Reads the workspace and indexes its passages. Aborts between files and between index chunks. */
export async function buildCorpus(options: CorpusOptions, signal: AbortSignal, progress: ProgressListener): Promise<Corpus> {
  progress('Reading the workspace files');
  const passages: Passage[] = [];
  const budget = new IndexBudgetKeeper(options.budget ?? DEFAULT_INDEX_BUDGET);
  let overlongLines = 0;
  let lastReport = Date.now();
  let walk;
  try {
    walk = await walkWorkspace({
      root: options.root,
      maxFileBytes: options.maxFileBytes,
      maxFiles: options.maxFiles,
      outputFolder: options.outputFolder,
      signal,
      onFile: (file) => {
        const admitted = budget.admitFile(file.text, (text) => {
          const split = splitIntoPassages(file.path, text);
          overlongLines += split.overlongLines;
          return split.passages;
        });
        for (const passage of admitted) passages.push(passage);
        return !budget.full;
      },
      onProgress: (filesOpened) => {
        if (Date.now() - lastReport < PROGRESS_INTERVAL_MS) return;
        lastReport = Date.now();
        progress(`Reading the workspace files: ${filesOpened} so far`);
      },
    });
  } catch (error) {
    if (signal.aborted) throw signal.reason;
    // Only the root itself failing reaches here; another attempt will not make it readable.
    throw new PermanentError(`cannot read the research folder ${options.root}: ${errorMessage(error)}`, { cause: error });
  }

  budget.countNotRead(walk.notRead);
  const index = new PassageIndex({ admitTerm: (term) => budget.admitTerm(term) });
  for (let start = 0; start < passages.length; start += INDEX_CHUNK) {
    signal.throwIfAborted();
    progress(`Indexing ${passages.length} passages of ${walk.textFiles} files`, start / passages.length);
    index.add(passages.slice(start, start + INDEX_CHUNK));
    await yieldToEventLoop();
  }
  signal.throwIfAborted();
  return {
    index,
    stats: {
      folder: basename(options.root),
      textFiles: walk.textFiles,
      passages: passages.length,
      skipped: walk.skipped,
      overlongLines,
      truncated: walk.truncated,
      maxFileBytes: options.maxFileBytes,
      maxFiles: options.maxFiles,
      budget: budget.snapshot(),
    },
  };
}
