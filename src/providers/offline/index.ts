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
import { SharedBuild } from './shared-build';
import { buildCorpus, type Corpus } from './workspace-corpus';

export { verifyQuote } from './verify-quote';
export type { CorpusStats } from './workspace-corpus';
export { DEFAULT_INDEX_BUDGET, indexBudgetFromEnv, type IndexBudget } from './index-budget';

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
}

export const DEFAULT_MAX_FILE_BYTES = 1024 * 1024;
export const DEFAULT_MAX_FILES = 20_000;

/**
 * The folder's corpus (walk, .gitignore rules, passages, BM25 index), built on first use and shared by
 * every search that asks for it meanwhile. The offline provider and model research over the workspace
 * both read the folder through it.
 */
export function sharedWorkspaceCorpus(options: OfflineProviderOptions): { root: string; corpus: SharedBuild<Corpus> } {
  const root = resolve(options.root);
  const corpusOptions = {
    root,
    maxFileBytes: options.maxFileBytes ?? DEFAULT_MAX_FILE_BYTES,
    maxFiles: options.maxFiles ?? DEFAULT_MAX_FILES,
    outputFolder: options.outputFolder ?? DEFAULT_OUTPUT_FOLDER,
    budget: options.indexBudget,
  };
  return { root, corpus: new SharedBuild<Corpus>((signal, progress) => buildCorpus(corpusOptions, signal, progress)) };
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
