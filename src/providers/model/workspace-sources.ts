import type { Finding } from '../../core/sources';
import { sharedWorkspaceCorpus, type CorpusSource, type IndexBudget } from '../offline';
import type { BudgetReport } from '../offline/index-budget';
import { describeBudget } from '../offline/synthesize-task';
import { quoteMatches, readSourceLines } from '../offline/verify-quote';
import type { SourceLibrary } from './source-library';

/** So that one long file cannot take every source of a search. */
const PER_FILE_LIMIT = 3;

export interface WorkspaceSourcesOptions {
  root: string;
  outputFolder?: string;
  maxFileBytes?: number;
  maxFiles?: number;
  indexBudget?: IndexBudget;
  indexCacheDir?: string;
  workspaceIndex?: CorpusSource;
}

/**
 * The folder's files as sources, through the offline provider's BM25 index (same walk, same
 * .gitignore rules, same passages). Quotes are verified against the file as it is now.
 */
export function createWorkspaceSources(options: WorkspaceSourcesOptions): SourceLibrary {
  const { root, corpus } = sharedWorkspaceCorpus(options);
  const files = new Map<string, Promise<string[] | undefined>>();
  let budget: BudgetReport | undefined;
  return {
    id: 'workspace',
    description: 'the files of the folder researched',
    async search(query, search) {
      const { index, stats } = await corpus.get(search.signal, search.progress);
      budget = stats.budget;
      search.signal.throwIfAborted();
      search.progress(`Searching ${stats.passages} passages for “${query}”`);
      return index.find(query, { limit: search.limit, perFile: PER_FILE_LIMIT, context: search.question }).map(({ passage, score }) => ({
        ref: { path: passage.path, startLine: passage.startLine, endLine: passage.endLine },
        title: passage.path,
        text: passage.text,
        score,
      }));
    },
    async verify(finding: Finding) {
      // Read each file once per provider: the index may be older than the file.
      if (!files.has(finding.source.path)) files.set(finding.source.path, readSourceLines(root, finding.source.path));
      const lines = await files.get(finding.source.path);
      return lines !== undefined && quoteMatches(lines, finding, 'within');
    },
    leftOut: () => (budget ? describeBudget(budget) : undefined),
    dispose() {
      corpus.reset();
      files.clear();
    },
  };
}
