import type { TaskContext, TaskResult } from '../../core/executor';
import type { TaskSpec } from '../../core/plan';
import type { Finding } from '../../core/sources';
import { passageContext, type SearchData } from './result-data';
import { plural } from './wording';
import type { Corpus } from './workspace-corpus';

/** Passages one search returns: more than the analysis keeps, so it has a choice across facets. */
const SEARCH_LIMIT = 8;
/** So that one long file cannot take every slot of a facet. */
const PER_FILE_LIMIT = 3;

/** Finds the passages that best match the task's query, ranked with the question as context. */
export function runSearch(task: TaskSpec, context: TaskContext, corpus: Corpus): TaskResult {
  const query = task.query ?? task.description;
  const facet = task.facet ?? task.description;
  const { index, stats } = corpus;
  context.signal.throwIfAborted();
  context.progress(`Searching ${stats.passages} passages for “${query}”`);
  const hits = index.find(query, { limit: SEARCH_LIMIT, perFile: PER_FILE_LIMIT, context: context.question, ...(task.focus ? { focus: task.focus } : {}) });
  const findings: Finding[] = hits.map(({ passage, score }) => ({
    source: { path: passage.path, startLine: passage.startLine, endLine: passage.endLine },
    quote: passage.text,
    score,
    facet,
  }));
  const structure = hits.map(({ passage }) => passageContext(passage));
  const files = new Set(findings.map((finding) => finding.source.path)).size;
  const data: SearchData = {
    kind: 'offline-search',
    facet,
    query,
    ...(task.focus ? { focus: task.focus } : {}),
    corpus: stats,
    questionWeights: [...index.termWeights(context.question)],
    structure,
  };
  return {
    summary:
      findings.length > 0
        ? `${plural(findings.length, 'passage')} in ${plural(files, 'file')} for “${query}”`
        : `no passage of ${plural(stats.textFiles, 'file')} matched “${query}”`,
    findings,
    data,
  };
}
