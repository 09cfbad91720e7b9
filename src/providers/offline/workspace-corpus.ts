import { basename } from 'node:path';
import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import { errorMessage, PermanentError } from '../../core/errors';
import { PassageIndex } from './passage-index';
import { splitIntoPassages, type Passage } from './passages';
import type { ProgressListener } from './shared-build';
import { walkWorkspace, type SkipCounts } from './workspace-walker';

export interface CorpusOptions {
  root: string;
  maxFileBytes: number;
  maxFiles: number;
  outputFolder: string;
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
  let overlongLines = 0;
  let lastReport = Date.now();
  let walk;
  try {
    walk = await walkWorkspace({
      ...options,
      signal,
      onFile: (file) => {
        const split = splitIntoPassages(file.path, file.text);
        for (const passage of split.passages) passages.push(passage);
        overlongLines += split.overlongLines;
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

  const index = new PassageIndex();
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
    },
  };
}
