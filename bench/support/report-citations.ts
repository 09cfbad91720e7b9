/**
 * The citations of a research() report, in the order the report gives them. Read from the run's
 * structured result (the draft of the last synthesis that completed, the same draft report.ts renders)
 * rather than from the Markdown, so a change of wording or layout cannot change the score. When no
 * synthesis finished, the report is made of the tasks' evidence: then the written Markdown's links are
 * parsed instead, as that is all there is.
 */
import type { ResearchResult } from '../../src/core/research';
import type { ReportDraft } from '../../src/core/sources';
import type { Citation } from './retrieval-metrics';

export function draftOf(result: ResearchResult): ReportDraft | undefined {
  let draft: ReportDraft | undefined;
  for (const task of result.tasks) if (task.state === 'COMPLETED' && task.result?.draft) draft = task.result.draft;
  return draft;
}

/** Every quote's source and every sentence's citations, section by section, block by block. */
export function draftCitations(draft: ReportDraft): Citation[] {
  const out: Citation[] = [];
  for (const section of draft.sections) {
    for (const block of section.blocks) {
      for (const ref of block.kind === 'quote' ? [block.source] : block.citations) out.push({ path: ref.path, startLine: ref.startLine, endLine: ref.endLine });
    }
  }
  return out;
}

/**
 * Citation links of a rendered report, `[path#L3-L9](…)` or `[path#L3](…)`. The closing Sources list
 * links files without lines and so is not counted twice.
 */
export function markdownCitations(markdown: string): Citation[] {
  const out: Citation[] = [];
  for (const match of markdown.matchAll(/\[((?:[^\]\\]|\\.)+?)#L(\d+)(?:-L(\d+))?\]\(/g)) {
    const start = Number(match[2]);
    // Labels are Markdown-escaped (`\_`, `\*`): undo it to get the path back.
    out.push({ path: match[1]!.replace(/\\(.)/g, '$1'), startLine: start, endLine: match[3] === undefined ? start : Number(match[3]) });
  }
  return out;
}

export function reportCitations(result: ResearchResult, markdown: string): { citations: Citation[]; from: 'draft' | 'markdown' } {
  const draft = draftOf(result);
  return draft ? { citations: draftCitations(draft), from: 'draft' } : { citations: markdownCitations(markdown), from: 'markdown' };
}
