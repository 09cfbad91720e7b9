import type { ReplanRequest } from '../../core/provider';
import type { TaskSpec } from '../../core/plan';
import type { ChatMessage } from './chat-model';
import type { Fence } from '../fence';
import type { ReportDepth } from '../../core/report-depth';

/**
 * What the models are asked. Each system prompt opens with a fixed sentence (exported) so that tests
 * and logs can tell the calls apart.
 */
export const PROMPT_OPENINGS = {
  plan: 'You plan research.',
  replan: 'You revise a research plan that is already running.',
  extract: 'You read sources and pick the passages that answer a research question.',
  analyze: 'You compare evidence gathered for a research question.',
  synthesize: 'You write a research report from evidence.',
} as const;

const PLAN_FORMAT = `Answer with one JSON object and nothing else:
{"tasks": [
  {"id": "search-1", "kind": "search", "description": "what to find", "query": "search words", "facet": "the sub-question it covers", "priority": 5},
  {"id": "analyze", "kind": "analyze", "description": "compare what the searches found", "dependsOn": ["search-1", "search-2"]},
  {"id": "synthesize", "kind": "synthesize", "description": "write the report", "dependsOn": ["analyze"]}
]}
Rules: ids are unique; "kind" is "search", "analyze" or "synthesize"; "dependsOn" lists ids of other tasks and must not form a cycle; "priority" is 1 to 10 (higher runs first); exactly one "synthesize" task, which depends on the others, directly or through an analyze task.`;

export function planMessages(question: string, maxTasks: number): ChatMessage[] {
  const most = Math.max(3, Math.min(maxTasks, 12));
  return [
    {
      role: 'system',
      content: `${PROMPT_OPENINGS.plan} Decompose the question into 3 to 6 search tasks that do not overlap and together cover it (mutually exclusive, collectively exhaustive), usually one analyze task that compares their findings, and one final synthesize task. At most ${most} tasks in all. ${PLAN_FORMAT}`,
    },
    { role: 'user', content: `Question: ${question}` },
  ];
}

export function replanMessages(request: ReplanRequest, maxTasks: number): ChatMessage[] {
  const lines = request.tasks.map((t) => {
    const result = t.result ? ` — result: ${t.result.summary}` : t.reason ? ` — ${t.reason}` : '';
    const deps = t.spec.dependsOn.length ? ` (depends on ${t.spec.dependsOn.join(', ')})` : '';
    return `- ${t.spec.id} [${t.spec.kind}, ${t.state.toLowerCase()}]${deps}: ${t.spec.description}${result}`;
  });
  return [
    {
      role: 'system',
      content: `${PROMPT_OPENINGS.replan} Return the complete new plan. Keep the ids of tasks that are completed or running unchanged if you keep them; tasks left out that have not finished are cancelled; new tasks need new ids and may depend on completed tasks. At most ${maxTasks} tasks. ${PLAN_FORMAT}`,
    },
    {
      role: 'user',
      content: `Question: ${request.question}\nCurrent plan:\n${lines.join('\n')}\nInstruction from the person: ${request.instruction.trim() || '(none: improve the plan where tasks failed or found nothing)'}`,
    },
  ];
}

export interface NumberedSource {
  id: string;
  label: string;
  text: string;
  /** The page, for web sources. */
  url?: string;
}

export function extractMessages(question: string, task: TaskSpec, sources: readonly NumberedSource[], fence: Fence): ChatMessage[] {
  return [
    {
      role: 'system',
      content: `${PROMPT_OPENINGS.extract} ${fence.rule} Copy each passage exactly as it is written in the source (a sentence or a few lines), never paraphrased: quotes are checked word for word, and any that are not found in their source are discarded. Answer with one JSON object and nothing else: {"findings": [{"source": "s1", "quote": "exact text from s1", "note": "one sentence: what it shows"}]}. At most 6 findings; an empty list when no source answers.`,
    },
    {
      role: 'user',
      content: `Question: ${question}\nThis search covers: ${task.facet ?? task.description}\n\nSources:\n${sources.map((s) => fence.wrap(s.id, s.label, s.text, s.url)).join('\n\n')}`,
    },
  ];
}

export interface NumberedEvidence {
  id: string;
  label: string;
  quote: string;
  facet?: string;
}

function evidenceBlock(evidence: readonly NumberedEvidence[], fence: Fence): string {
  return evidence.map((e) => fence.wrap(e.id, `${e.label}${e.facet ? ` · ${e.facet}` : ''}`, e.quote)).join('\n\n');
}

export function analyzeMessages(question: string, task: TaskSpec, evidence: readonly NumberedEvidence[], fence: Fence): ChatMessage[] {
  return [
    {
      role: 'system',
      content: `${PROMPT_OPENINGS.analyze} ${fence.rule} Group what the evidence says into a few claims, merge duplicates, note where pieces of evidence agree or contradict each other, and say what is still not covered. Every claim names the evidence ids that support it. Answer with one JSON object and nothing else: {"points": [{"claim": "one or two sentences", "evidence": ["E1", "E4"]}], "gaps": ["what the evidence does not answer"]}.`,
    },
    { role: 'user', content: `Question: ${question}\nTask: ${task.description}\n\nEvidence:\n${evidenceBlock(evidence, fence)}` },
  ];
}

/** What the writer is told of the report's length (research.reportDepth, --depth). */
const LENGTH: Record<ReportDepth, string> = {
  brief: 'Write in plain Markdown one section that starts with the line "## Answer" and answers the question in at most 200 words; nothing else.',
  standard: 'Write in plain Markdown: first one paragraph that answers the question briefly, then sections that each start with a line "## Heading".',
  detailed:
    'Write in plain Markdown: first one paragraph that answers the question briefly, then sections that each start with a line "## Heading", covering every part of the evidence that bears on the question, and last a section "## How the evidence was weighed" on where sources agree, disagree or are thin.',
};

export function synthesizeMessages(
  question: string,
  evidence: readonly NumberedEvidence[],
  points: readonly { claim: string; evidence: string[] }[],
  missing: readonly string[],
  fence: Fence,
  depth: ReportDepth = 'standard',
): ChatMessage[] {
  const analysis = points.length ? `\n\nAnalysis so far:\n${points.map((p) => `- ${p.claim} [${p.evidence.join('][')}]`).join('\n')}` : '';
  const gaps = missing.length ? `\n\nNot researched (say so in the report): ${missing.join('; ')}` : '';
  return [
    {
      role: 'system',
      content: `${PROMPT_OPENINGS.synthesize} ${fence.rule} ${LENGTH[depth]} After every statement taken from the evidence, cite it by id in square brackets, e.g. [E2] or [E2][E5]. Use only the evidence; where it does not answer part of the question, say so plainly. No links, no tables, no code blocks.`,
    },
    { role: 'user', content: `Question: ${question}\n\nEvidence:\n${evidenceBlock(evidence, fence)}${analysis}${gaps}` },
  ];
}
