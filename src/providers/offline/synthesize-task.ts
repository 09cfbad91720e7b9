import type { TaskContext, TaskResult } from '../../core/executor';
import type { TaskSpec } from '../../core/plan';
import { depthOf } from '../../core/report-depth';
import type { Finding, ReportBlock, ReportDraft, ReportSection, SourceRef } from '../../core/sources';
import { runAnalyze } from './analyze-task';
import { languageForPath } from './code-language';
import { readAnalysisData, type AnalysisData, type FacetOutcome } from './result-data';
import { quoteMatches, readSourceLines } from './verify-quote';
import { capitalise, formatBytes, plural } from './wording';
import type { BudgetReport } from './index-budget';
import type { CorpusStats } from './workspace-corpus';

/**
 * Writes the report from the analysis: one section per facet with its passages quoted verbatim, a
 * plain sentence where a facet found nothing, and what is missing. Each quote is checked against
 * its file first: the index may be older than the file, and a quote that no longer matches its
 * lines is left out rather than cited wrongly. Writes what it has when inputs are missing.
 */
export async function runSynthesize(task: TaskSpec, context: TaskContext, root: string): Promise<TaskResult> {
  const sections: ReportSection[] = [];
  const missing: string[] = [];
  let corpus: CorpusStats | undefined;
  let facetCount = 0;
  let stale = 0;
  let quoted = 0;
  /** The files quoted, for the summary. */
  const quotedFiles = new Set<string>();
  const remember = (source: SourceRef) => quotedFiles.add(source.path);
  const current = currentLinesOf(root);

  const answer: ReportBlock[] = [];
  const merged: string[] = [];
  const analyses = analysesOf(task, context);
  for (const { id, result, analysis } of analyses) {
    if (!result || !analysis) {
      missing.push(`the analysis ${id} delivered no result, so its passages are not in this report`);
      continue;
    }
    corpus ??= analysis.corpus;
    for (const taskId of analysis.missing) {
      facetCount++;
      missing.push(`the search ${taskId} finished without a result (it failed or was cancelled), so its facet is not covered`);
    }
    for (const excerpt of analysis.answer ?? []) {
      context.signal.throwIfAborted();
      if (!(await current({ source: excerpt.source, quote: excerpt.quote, score: 0 }, 'within'))) continue;
      const language = excerpt.code ? (languageForPath(excerpt.source.path) ?? '') : undefined;
      answer.push({ kind: 'quote', text: excerpt.quote, source: excerpt.source, inline: true, ...(language !== undefined ? { language } : {}) });
      remember(excerpt.source);
    }
    const findings = result.findings ?? [];
    for (const outcome of analysis.facets) {
      facetCount++;
      const blocks: ReportBlock[] = [];
      for (const [i, finding] of findings.entries()) {
        if (finding.facet !== outcome.facet) continue;
        context.signal.throwIfAborted();
        if (!(await current(finding))) {
          stale++;
          continue;
        }
        const language = languageForPath(finding.source.path);
        const where = analysis.contexts?.[i];
        blocks.push({
          kind: 'quote',
          text: finding.quote,
          source: finding.source,
          ...(language ? { language } : {}),
          ...(where?.symbol || where?.headings ? { where: { ...(where.symbol ? { symbol: where.symbol } : {}), ...(where.headings ? { headings: where.headings } : {}) } } : {}),
        });
        remember(finding.source);
        quoted++;
      }
      if (blocks.length > 0) sections.push({ heading: outcome.facet, blocks });
      // An aspect with nothing of its own (nothing found, or only what other facets quote) is not padded
      // into a section; a part of the question itself that found nothing is, since that is an answer too.
      else if ((outcome.found > 0 && outcome.kept === 0) || outcome.focus) merged.push(outcome.facet);
      else sections.push({ heading: outcome.facet, blocks: [{ kind: 'text', text: nothingFoundText(outcome), citations: [] }] });
    }
  }

  const depth = depthOf(task);
  if (depth === 'brief') {
    // The answer with its citations only; the evidence by facet is what a standard report adds.
    sections.length = 0;
    merged.length = 0;
    sections.push({ heading: 'Answer', blocks: answer.length > 0 ? [{ kind: 'text', text: 'The lines of the folder that best match the question, best first.', citations: [] }, ...answer] : [{ kind: 'text', text: NO_ANSWER, citations: [] }] });
  } else if (answer.length > 0) {
    sections.unshift({
      heading: 'Answer',
      blocks: [{ kind: 'text', text: 'The lines of the folder that best match the question, best first; the evidence follows by facet.', citations: [] }, ...answer],
    });
  }
  if (depth === 'detailed') sections.push(weighingSection(analyses));
  if (merged.length > 0) {
    const names = merged.map((facet) => `“${facet}”`).join(', ');
    sections.push({
      heading: 'Facets merged into others',
      blocks: [{ kind: 'text', text: `${names} found nothing beyond the passages quoted above (or only weak matches), so ${merged.length === 1 ? 'it has' : 'they have'} no section of ${merged.length === 1 ? 'its' : 'their'} own.`, citations: [] }],
    });
  }
  if (missing.length > 0) {
    sections.push({ heading: 'What this report is missing', blocks: missing.map((text) => ({ kind: 'text', text: `${capitalise(text)}.`, citations: [] })) });
  }

  const method = describeMethod(corpus, facetCount, stale);
  // A brief report keeps the one sentence that says how to read it.
  const draft: ReportDraft = { title: context.question.trim(), method: depth === 'brief' ? method.slice(0, method.indexOf('. ') + 1) : method, sections };
  return {
    summary: `extractive report: ${plural(quoted, 'quote')} from ${plural(quotedFiles.size, 'file')} in ${plural(facetCount, 'facet')}${missing.length > 0 ? `, ${missing.length} missing` : ''}`,
    draft,
  };
}

/**
 * The analyses to write from. A hand-written plan may let the synthesis depend on searches directly:
 * those are analysed here, as one analysis task would have, so their passages are not lost.
 */
function analysesOf(task: TaskSpec, context: TaskContext): { id: string; result?: TaskResult; analysis?: AnalysisData }[] {
  const analyses: { id: string; result?: TaskResult; analysis?: AnalysisData }[] = [];
  const direct: string[] = [];
  for (const id of task.dependsOn) {
    const result = context.inputs.get(id);
    const analysis = readAnalysisData(result?.data);
    if (analysis || !result) analyses.push({ id, result, analysis });
    else direct.push(id);
  }
  if (direct.length > 0) {
    const result = runAnalyze({ ...task, dependsOn: direct }, context);
    analyses.push({ id: task.id, result, analysis: readAnalysisData(result.data) });
  }
  return analyses;
}

const NO_ANSWER =
  'No line of the folder matches the question closely enough to answer it. A standard report (research.reportDepth, --depth standard) shows what each facet found.';

/** A detailed report says how the evidence was weighed: what each facet searched, found and kept, and where facets met. */
function weighingSection(analyses: readonly { analysis?: AnalysisData }[]): ReportSection {
  const blocks: ReportBlock[] = [];
  for (const { analysis } of analyses) {
    for (const facet of analysis?.facets ?? []) {
      const searched = facet.query ? ` (searched “${facet.query}”${facet.focus ? `, narrowed by “${facet.focus}”` : ''})` : '';
      blocks.push({ kind: 'text', text: `“${facet.facet}”${searched}: ${plural(facet.found, 'passage')} found, ${facet.kept} quoted.`, citations: [] });
    }
    const shared = (analysis?.sharedFiles ?? []).slice(0, 8);
    if (shared.length > 0) {
      blocks.push({ kind: 'text', text: `Files found by several facets, which often hold the answer: ${shared.map((file) => `${file.path} (${file.facets.length} facets)`).join(', ')}.`, citations: [] });
    }
  }
  return { heading: 'How the evidence was weighed', blocks };
}

/** Why a facet has no quote: nothing matched, or its passages went stale. */
function nothingFoundText(outcome: FacetOutcome): string {
  if (outcome.kept > 0) return 'The passages found for this facet changed after the workspace was indexed, so none is quoted.';
  if (outcome.found > 0) return 'The passages found for this facet are the same as those quoted under another facet, or weak matches, so none is repeated here.';
  return outcome.query ? `No passage in the workspace matched “${outcome.query}”.` : 'No passage in the workspace matched this facet.';
}

/** Checks findings against the files as they are now, reading each file once. */
function currentLinesOf(root: string): (finding: Finding, mode?: 'whole' | 'within') => Promise<boolean> {
  const files = new Map<string, Promise<string[] | undefined>>();
  return async (finding, mode = 'whole') => {
    const path = finding.source.path;
    if (!files.has(path)) files.set(path, readSourceLines(root, path));
    const lines = await files.get(path);
    return lines !== undefined && quoteMatches(lines, finding, mode);
  };
}

/** Says plainly how the report was made and what it did not read. */
export function describeMethod(corpus: CorpusStats | undefined, facets: number, stale: number): string {
  const sentences = [
    'This report is extractive: it was put together by rules, without a language model. It quotes passages of the files verbatim and does not interpret them, so read each quote in its context before relying on it.',
  ];
  if (corpus) {
    sentences.push(
      `The question was split into ${plural(facets, 'facet')}, each searched with BM25 ranking over ${plural(corpus.passages, 'passage')} of ${plural(corpus.textFiles, 'text file')} in the folder “${corpus.folder}”.`,
    );
    const s = corpus.skipped;
    const links = s.linkInside + s.linkOutside;
    const left = [
      s.ignored > 0 && `${plural(s.ignored, 'file or folder', 'files or folders')} ignored by .gitignore`,
      s.binary > 0 && `${plural(s.binary, 'binary file')}`,
      s.tooLarge > 0 && `${plural(s.tooLarge, 'file')} larger than ${formatBytes(corpus.maxFileBytes)}`,
      s.generated > 0 && `${plural(s.generated, 'generated file')} (lock files, minified code, source maps)`,
      links > 0 && `${plural(links, 'symbolic link')} (never followed${s.linkOutside > 0 ? `; ${s.linkOutside} pointing outside the folder` : ''})`,
      s.unreadable > 0 && `${plural(s.unreadable, 'entry', 'entries')} that could not be read`,
      corpus.overlongLines > 0 && `${plural(corpus.overlongLines, 'line')} too long to quote`,
    ].filter((item): item is string => typeof item === 'string');
    if (left.length > 0) sentences.push(`Left out: ${left.join(', ')}.`);
    const budget = corpus.budget && describeBudget(corpus.budget);
    if (budget) sentences.push(budget);
    sentences.push('Folders named .git and node_modules and the report folder are never searched.');
    if (corpus.truncated) sentences.push(`The search stopped after ${plural(corpus.maxFiles, 'file')}; the rest of the folder was not read.`);
  } else {
    sentences.push('No search finished, so the files searched are not known.');
  }
  if (stale > 0) sentences.push(`${plural(stale, 'passage')} found earlier ${stale === 1 ? 'was' : 'were'} left out because the file changed since it was indexed.`);
  return sentences.join(' ');
}

/**
 * What the index budget (index-budget.ts) left out and why, in one sentence, or undefined when it left
 * nothing out. The limits are named, so a reader knows the folder was not searched whole.
 */
export function describeBudget(budget: BudgetReport): string | undefined {
  const { limits } = budget;
  const were = (count: number) => (count === 1 ? 'was' : 'were');
  const clauses: string[] = [];
  if (budget.stoppedBy) {
    const limit = budget.stoppedBy === 'bytes' ? `${formatBytes(limits.maxTotalBytes)} of text` : plural(limits.maxPassages, 'passage');
    const files = [
      budget.filesNotRead > 0 && `${plural(budget.filesNotRead, 'file')} ${were(budget.filesNotRead)} not read`,
      budget.filesCutWhenFull > 0 && `${plural(budget.filesCutWhenFull, 'file')} ${were(budget.filesCutWhenFull)} indexed only in part`,
    ].filter((item): item is string => typeof item === 'string');
    clauses.push(`the index stopped at ${limit}${files.length > 0 ? ` (${files.join(' and ')})` : ''}`);
  }
  if (budget.filesCutAtFileLimit > 0) {
    clauses.push(`${plural(budget.filesCutAtFileLimit, 'file')} ${were(budget.filesCutAtFileLimit)} indexed only up to ${budget.filesCutAtFileLimit === 1 ? 'its' : 'their'} first ${formatBytes(limits.maxBytesPerFile)}`);
  }
  if (budget.wordsNotIndexed > 0) {
    clauses.push(
      `${plural(budget.wordsNotIndexed, 'word')} ${were(budget.wordsNotIndexed)} not indexed, being new once the index held ${plural(limits.maxTerms, 'distinct term')}`,
    );
  }
  if (clauses.length === 0) return undefined;
  const last = clauses.pop()!;
  return `To keep memory bounded, ${clauses.length > 0 ? `${clauses.join(', ')} and ${last}` : last}.`;
}
