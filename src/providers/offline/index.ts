/**
 * The embedded default provider: research with no model, no key and no network. It splits the
 * question into facets by rules, ranks passages of the workspace's text files with BM25, and writes
 * an extractive report of verbatim quotes, each citing its file and lines.
 */
import { resolve } from 'node:path';
import type { ResearchProvider } from '../../core/provider';
import { DEFAULT_OUTPUT_FOLDER } from '../../core/research';
import { createOfflineExecutor } from './offline-executor';
import { planResearch, replanResearch } from './planner';
import type { IndexBudget } from './index-budget';
import { SharedBuild, type ProgressListener } from './shared-build';
import type { Corpus } from './workspace-corpus';
import { WorkspaceIndex } from './workspace-index';

export { verifyQuote } from './verify-quote';
export { indexBudgetFromEnv, type IndexBudget } from './index-budget';
export { indexCacheDir } from './index-cache';
export { WorkspaceIndex } from './workspace-index';

export interface OfflineProviderOptions {
  /** The folder to research. */
  root: string;
  /** Files larger than this are skipped. Default 1 MiB. */
  maxFileBytes?: number;
  /** At most this many files are opened. Default 20,000. */
  maxFiles?: number;
  /** The folder reports are written to, never searched. Default `.research`. */
  outputFolder?: string;
  /** What the index may hold at most (text, passages, distinct terms). Default DEFAULT_INDEX_BUDGET. */
  indexBudget?: IndexBudget;
  /** Where the index is cached between processes (indexCacheDir); default none. Ignored with `workspaceIndex`. */
  indexCacheDir?: string;
  /**
   * A corpus kept by the caller across providers (the extension's, one per workspace folder, which a
   * watcher keeps up to date); the provider then neither builds nor disposes one of its own.
   */
  workspaceIndex?: CorpusSource;
}

/** Where a provider gets the folder's corpus from: a WorkspaceIndex. */
export interface CorpusSource {
  get(signal: AbortSignal, progress: ProgressListener): Promise<Corpus>;
}

export const DEFAULT_MAX_FILE_BYTES = 1024 * 1024;
export const DEFAULT_MAX_FILES = 20_000;

/**
 * The folder's corpus (walk, .gitignore rules, passages, BM25 index), built on first use and shared by
 * every search that asks for it meanwhile. The offline provider and model research over the workspace
 * both read the folder through it.
 */
export function sharedWorkspaceCorpus(options: OfflineProviderOptions): { root: string; corpus: Pick<SharedBuild<Corpus>, 'get' | 'reset'> } {
  const root = resolve(options.root);
  const source =
    options.workspaceIndex ??
    new WorkspaceIndex({
      root,
      maxFileBytes: options.maxFileBytes ?? DEFAULT_MAX_FILE_BYTES,
      maxFiles: options.maxFiles ?? DEFAULT_MAX_FILES,
      outputFolder: options.outputFolder ?? DEFAULT_OUTPUT_FOLDER,
      budget: options.indexBudget,
      cacheDir: options.indexCacheDir,
    });
  // The first search's corpus is kept for the provider's life, so that the searches of a run do not
  // each start an update. (A shared index is updated in place: a run still going while another run
  // updates it may see the newer files.)
  const corpus = new SharedBuild<Corpus>((signal, progress) => source.get(signal, progress));
  return {
    root,
    corpus: {
      get: (signal, progress) => corpus.get(signal, progress),
      reset() {
        corpus.reset();
        if (source instanceof WorkspaceIndex && source !== options.workspaceIndex) source.dispose();
      },
    },
  };
}

export function createOfflineProvider(options: OfflineProviderOptions): ResearchProvider {
  // Built on the first search and kept for the provider's life: every search of a run, and of later
  // runs with the same provider, reads the same snapshot of the workspace.
  const { root, corpus } = sharedWorkspaceCorpus(options);

  return {
    id: 'offline',
    label: 'offline (workspace files, extractive)',
    async plan(question, context) {
      context.signal.throwIfAborted();
      return planResearch(question, context.maxTasks);
    },
    async replan(request, context) {
      context.signal.throwIfAborted();
      return replanResearch(request, context.maxTasks);
    },
    execute: createOfflineExecutor({
      root,
      loadCorpus: (context) => corpus.get(context.signal, (message, fraction) => context.progress(message, fraction)),
    }),
    dispose() {
      corpus.reset();
    },
  };
}
