import * as z from 'zod';
import type { TaskContext, TaskResult } from '../../core/executor';
import type { TaskSpec } from '../../core/plan';
import type { Finding } from '../../core/sources';
import { EvidenceList, type ModelAnalysisData } from './evidence';
import { SOURCE_FENCE } from '../fence';
import { askForJson } from './json-answer';
import { analyzeMessages } from './prompts';
import type { ModelChoice, TaskMeter } from './task-meter';
import { estimateTokens } from './token-estimate';

const analyzeSchema = z.object({
  points: z.array(z.object({ claim: z.string().min(1), evidence: z.array(z.string()) })),
  gaps: z.array(z.string()).optional(),
});

export interface AnalyzeTaskDeps {
  /** Picks the model by the size of the input: a large analysis goes to the stronger model. */
  choose(inputTokens: number): ModelChoice;
  meter: TaskMeter;
  temperature?: number;
}

/**
 * Compares the evidence of the tasks it depends on: the model groups it into claims, each citing
 * evidence ids. Claims citing nothing that exists are dropped; the findings handed on are those cited.
 */
export async function runModelAnalyze(task: TaskSpec, context: TaskContext, deps: AnalyzeTaskDeps): Promise<TaskResult> {
  const evidence = new EvidenceList();
  evidence.addAll(task.dependsOn.map((id) => context.inputs.get(id)).filter((r) => r !== undefined));
  const missing = task.dependsOn.filter((id) => !context.inputs.has(id));
  const data: ModelAnalysisData = { kind: 'model-analysis', points: [], gaps: [], unsupported: 0 };
  if (evidence.findings.length === 0) {
    data.gaps.push('no evidence was found to analyse');
    return { summary: `no evidence to analyse${missing.length ? `; no result from ${missing.join(', ')}` : ''}`, findings: [], data };
  }
  const fence = SOURCE_FENCE;
  const messages = analyzeMessages(context.question, task, evidence.numbered(), fence);
  const choice = deps.choose(estimateTokens(messages.map((m) => m.content).join('\n')));
  context.progress(`Comparing ${evidence.findings.length} quotes with ${choice.model}`);
  const answer = await askForJson({
    messages,
    schema: analyzeSchema,
    send: (m) => deps.meter.send(choice, { messages: m, signal: context.signal, json: true, temperature: deps.temperature, onWait: (w) => context.progress(w) }),
  });

  const kept: Finding[] = [];
  const keptIndex = new Map<number, number>();
  for (const point of answer.points) {
    const cited = [...new Set(point.evidence.map((id) => evidence.lookup(id)).filter((i): i is number => i !== undefined))];
    if (cited.length === 0) {
      data.unsupported++;
      continue;
    }
    data.points.push({
      claim: point.claim.trim(),
      evidence: cited.map((i) => {
        if (!keptIndex.has(i)) keptIndex.set(i, kept.push(evidence.findings[i]) - 1);
        return keptIndex.get(i)!;
      }),
    });
  }
  data.gaps.push(...(answer.gaps ?? []).map((g) => g.trim()).filter(Boolean));
  const parts = [`${data.points.length} claim${data.points.length === 1 ? '' : 's'} from ${kept.length} of ${evidence.findings.length} quotes`];
  if (data.unsupported) parts.push(`${data.unsupported} claim${data.unsupported === 1 ? '' : 's'} without evidence dropped`);
  if (missing.length) parts.push(`no result from ${missing.join(', ')}`);
  return { summary: parts.join('; '), findings: kept, data };
}
