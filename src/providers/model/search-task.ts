import * as z from 'zod';
import type { TaskContext, TaskResult } from '../../core/executor';
import type { TaskSpec } from '../../core/plan';
import type { Finding } from '../../core/sources';
import { findingKey, type ModelSearchData } from './evidence';
import { SOURCE_FENCE } from '../fence';
import { askForJson } from './json-answer';
import { extractMessages } from './prompts';
import { locateQuote } from '../quote-match';
import type { SourceLibrary } from './source-library';
import type { ModelChoice, TaskMeter } from './task-meter';
import { estimateTokens } from './token-estimate';

const extractSchema = z.object({
  findings: z
    .array(z.object({ source: z.string(), quote: z.string(), note: z.string().optional() }))
    .max(20, 'at most 6 findings were asked for'),
});

export interface SearchTaskDeps {
  sources: SourceLibrary;
  sourcesPerSearch: number;
  choose(inputTokens: number): ModelChoice;
  meter: TaskMeter;
  temperature?: number;
}

/**
 * A model-backed search: the source library finds what to read, the researcher model picks the
 * passages that answer, and each quote it cites is looked up in its source. Quotes the source does not
 * contain are dropped (and counted), so every finding is the source's own words.
 */
export async function runModelSearch(task: TaskSpec, context: TaskContext, deps: SearchTaskDeps): Promise<TaskResult> {
  const query = task.query ?? task.description;
  const facet = task.facet ?? task.description;
  const sources = await deps.sources.search(query, {
    signal: context.signal,
    limit: deps.sourcesPerSearch,
    question: context.question,
    progress: (message, fraction) => context.progress(message, fraction),
  });
  const data: ModelSearchData = { kind: 'model-search', facet, query, sourcesRead: sources.length, notes: [], unverified: 0 };
  if (sources.length === 0) {
    return { summary: `no source matched “${query}”`, findings: [], data };
  }
  const fence = SOURCE_FENCE;
  const numbered = sources.map((s, i) => ({
    id: `s${i + 1}`,
    label: s.ref.url !== undefined ? s.title : `${s.title} (${s.ref.path} lines ${s.ref.startLine}–${s.ref.endLine})`,
    text: s.text,
    url: s.ref.url,
  }));
  const messages = extractMessages(context.question, task, numbered, fence);
  const choice = deps.choose(estimateTokens(messages.map((m) => m.content).join('\n')));
  context.progress(`Reading ${sources.length} sources with ${choice.model}`);
  const answer = await askForJson({
    messages,
    schema: extractSchema,
    send: (m) => deps.meter.send(choice, { messages: m, signal: context.signal, json: true, temperature: deps.temperature, onWait: (w) => context.progress(w) }),
  });

  const findings: Finding[] = [];
  const seen = new Set<string>();
  for (const item of answer.findings) {
    const index = numbered.findIndex((s) => s.id === item.source.trim().toLowerCase());
    const located = index >= 0 ? locateQuote(sources[index], item.quote) : undefined;
    if (!located) {
      data.unverified++;
      continue;
    }
    // Located in the text the library gave, which for a web page is its stored copy: verified.
    const finding: Finding = { source: located.ref, quote: located.quote, score: sources[index].score, facet, ...(located.ref.url !== undefined && { verified: true }) };
    if (seen.has(findingKey(finding))) continue;
    seen.add(findingKey(finding));
    findings.push(finding);
    data.notes.push(item.note?.trim() ?? '');
  }
  const files = new Set(findings.map((f) => f.source.path)).size;
  const dropped = data.unverified > 0 ? `; ${data.unverified} quote${data.unverified === 1 ? '' : 's'} not found in ${data.unverified === 1 ? 'its source' : 'their sources'} dropped` : '';
  return {
    summary: `${findings.length} quote${findings.length === 1 ? '' : 's'} from ${files} of ${sources.length} sources for “${query}”${dropped}`,
    findings,
    data,
  };
}
