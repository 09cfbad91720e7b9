import type { TaskContext, TaskResult } from '../../core/executor';
import type { TaskSpec } from '../../core/plan';
import type { ReportDraft, ReportSection } from '../../core/sources';
import { EvidenceList, readAnalysis, type ModelSearchData } from './evidence';
import { SOURCE_FENCE } from '../fence';
import { synthesizeMessages } from './prompts';
import type { SourceLibrary } from './source-library';
import type { ModelChoice, TaskMeter } from './task-meter';
import { estimateTokens } from './token-estimate';
import { parseWrittenReport } from './written-report';
import { depthOf } from '../../core/report-depth';

/** Progress while the report streams in, at most this often. */
const PROGRESS_INTERVAL_MS = 250;

export interface SynthesizeTaskDeps {
  sources: SourceLibrary;
  choose(inputTokens: number): ModelChoice;
  meter: TaskMeter;
  temperature?: number;
}

/**
 * Writes the report: every quote found by the tasks it depends on is checked against its source once
 * more, the writer model writes from the quotes that pass (streamed, with progress as text arrives),
 * and its citations become links to the quotes' lines. With no evidence it writes no model text.
 */
export async function runModelSynthesize(task: TaskSpec, context: TaskContext, deps: SynthesizeTaskDeps): Promise<TaskResult> {
  const all = new EvidenceList();
  const results = task.dependsOn.map((id) => context.inputs.get(id)).filter((r) => r !== undefined);
  all.addAll(results);
  const missing = task.dependsOn.filter((id) => !context.inputs.has(id)).map((id) => `task "${id}" delivered no result`);

  // Quotes are checked against the sources as they are now: a file edited since it was read drops out.
  const evidence = new EvidenceList();
  let stale = 0;
  for (const finding of all.findings) {
    context.signal.throwIfAborted();
    if (await deps.sources.verify(finding, context.signal)) evidence.add(finding);
    else stale++;
  }
  const unverified = results.reduce((n, r) => n + ((r.data as ModelSearchData | undefined)?.kind === 'model-search' ? (r.data as ModelSearchData).unverified : 0), 0);

  const points = results.flatMap((r) => {
    const analysis = readAnalysis(r.data);
    if (!analysis) return [];
    return analysis.points.map((p) => ({
      claim: p.claim,
      evidence: p.evidence
        .map((i) => r.findings?.[i])
        .map((f) => (f ? evidence.findings.findIndex((e) => e.quote === f.quote && e.source.path === f.source.path && e.source.startLine === f.source.startLine) : -1))
        .filter((i) => i >= 0)
        .map((i) => EvidenceList.idOf(i)),
    }));
  });

  if (evidence.findings.length === 0) {
    const sections: ReportSection[] = [
      { heading: 'No evidence', blocks: [{ kind: 'text', text: `No quote that answers the question was found in ${deps.sources.description}, so no model was asked to write from it.`, citations: [] }] },
    ];
    const draft: ReportDraft = { title: context.question.trim(), method: method(undefined, 0, stale, unverified, 0, 0, deps.sources.description), sections };
    return { summary: 'no evidence to write from', draft };
  }

  const fence = SOURCE_FENCE;
  const messages = synthesizeMessages(context.question, evidence.numbered(), points, missing, fence, depthOf(task));
  const choice = deps.choose(estimateTokens(messages.map((m) => m.content).join('\n')));
  context.progress(`Writing the report with ${choice.model}`);
  let chars = 0;
  let lastProgress = 0;
  const response = await deps.meter.send(choice, {
    messages,
    signal: context.signal,
    temperature: deps.temperature,
    onWait: (w) => context.progress(w),
    onText: (delta) => {
      chars += delta.length;
      const now = Date.now();
      if (now - lastProgress < PROGRESS_INTERVAL_MS) return;
      lastProgress = now;
      context.progress(`Writing the report with ${choice.model}: ${chars} characters so far`);
    },
  });
  const parsed = parseWrittenReport(response.text, evidence.findings);
  if (missing.length > 0) {
    parsed.sections.push({ heading: 'What this report is missing', blocks: missing.map((text) => ({ kind: 'text', text: `The ${text}.`, citations: [] })) });
  }
  const draft: ReportDraft = {
    title: context.question.trim(),
    method: [method(choice.model, parsed.cited.length, stale, unverified, parsed.unknownCitations, parsed.unverifiedQuotations, deps.sources.description), deps.sources.leftOut?.()].filter(Boolean).join(' '),
    sections: parsed.sections,
  };
  return {
    summary: `report written by ${choice.model}: ${parsed.cited.length} of ${evidence.findings.length} quotes cited${missing.length ? `, ${missing.length} missing` : ''}`,
    draft,
  };
}

function method(model: string | undefined, cited: number, stale: number, unverified: number, unknown: number, quotations: number, where: string): string {
  const sentences: string[] = [];
  if (model) {
    sentences.push(
      `Written by the language model ${model} from ${cited} quote${cited === 1 ? '' : 's'} found in ${where}. Each link points at a quote checked word for word against its source; the quotes are listed under "Evidence". The sentences are the model's: read the quotes before relying on them.`,
    );
  }
  if (unverified > 0) sentences.push(`${unverified} quote${unverified === 1 ? '' : 's'} the models cited could not be found in ${unverified === 1 ? 'its source' : 'their sources'} and ${unverified === 1 ? 'was' : 'were'} left out.`);
  if (stale > 0) sentences.push(`${stale} quote${stale === 1 ? '' : 's'} no longer matched ${stale === 1 ? 'its source' : 'their sources'} when the report was written and ${stale === 1 ? 'was' : 'were'} left out.`);
  if (unknown > 0) sentences.push(`${unknown} citation${unknown === 1 ? '' : 's'} to evidence that does not exist ${unknown === 1 ? 'was' : 'were'} removed.`);
  if (quotations > 0) sentences.push(`${quotations} quotation${quotations === 1 ? '' : 's'} in the text could not be found in the cited sources and ${quotations === 1 ? 'is' : 'are'} marked.`);
  return sentences.join(' ');
}
