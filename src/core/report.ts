import * as path from 'node:path';
import { withoutControls } from './control-chars';
import { formatSeconds } from './errors';
import { formatUsd } from './format';
import type { RunOutcome } from './events';
import { citationLink, codeFence, codeSpan, escapeInline, fileHref, markdownUrl, shortUrl, table, webUrl } from './markdown';
import { reportDepthOf } from './report-depth';
import { sourceBlockquote, sourceInline } from './source-markdown';
import type { Finding, ReportBlock, ReportDraft, ReportSection, SourceRef } from './sources';
import type { Round } from './journal/replay';
import type { RunStatistics } from './stats';
import type { TaskSnapshot } from './task';
import { sumUsage, tokensOf } from './usage';

export interface ReportInput {
  runId: string;
  question: string;
  outcome: RunOutcome;
  stats: RunStatistics;
  tasks: readonly TaskSnapshot[];
  /** The folder the research read; citation paths are relative to it. */
  root: string;
  /** Where the report will be written; links are made relative to its folder. */
  reportPath: string;
  providerLabel: string;
  startedAt: number;
  /** The run's rounds (the first, then one per follow-up) with what each cost; absent for a run of one round. */
  rounds?: readonly Round[];
}

/**
 * The final report as Markdown. It is written whatever the outcome: when the synthesis did not finish,
 * the evidence the finished tasks found is laid out instead, and a section says what is missing and why.
 */
export function renderReport(input: ReportInput): string {
  const reportDir = path.dirname(input.reportPath);
  const cite = (source: SourceRef) => citationLink(source, input.root, reportDir);
  // The first round's tasks serve the run's question; a follow-up round's carry its own (follow-up.ts).
  const synthesized = lastSynthesis(input.tasks.filter((t) => t.spec.question === undefined));
  const draft = synthesized ?? evidenceDraft(input);
  const followUps = followUpDrafts(input.tasks);
  const out: string[] = [];

  out.push(`# ${sourceInline(draft.title || input.question)}`, '');
  out.push(
    `*Research Dispatcher · run \`${input.runId}\` · ${new Date(input.startedAt).toISOString()} · ${escapeInline(input.providerLabel)} · ${OUTCOME_WORDS[input.outcome]}*`,
    '',
  );
  if (draft.title && draft.title !== input.question) out.push(`**Question:** ${sourceInline(input.question)}`, '');

  const missing = input.tasks.filter((t) => t.state !== 'COMPLETED');
  if (input.outcome !== 'completed') {
    out.push(
      `> **This report is partial.** ${missing.length} of ${input.tasks.length} tasks did not complete` +
        (synthesized ? '.' : `, and ${synthesisRan(input.tasks) ? 'no synthesis wrote a report' : 'the synthesis did not run'}: below is the evidence the finished tasks found.`) +
        ' See "What is missing" at the end.',
      '',
    );
  }
  if (draft.method) out.push(sourceInline(draft.method), '');

  for (const section of draft.sections) out.push(...renderSection(section, cite));
  for (const { question, draft: answer } of followUps) {
    out.push(`## Follow-up: ${sourceInline(question)}`, '');
    if (!answer) out.push('The follow-up’s report was not written: see "What is missing".', '');
    for (const section of answer?.sections ?? []) out.push(...renderSection(section, cite, 3));
  }

  if (missing.length > 0) {
    out.push('## What is missing', '');
    for (const task of missing) {
      const why = task.reason ? `: ${task.reason}` : '';
      out.push(`- **${escapeInline(task.spec.id)}** (${task.spec.kind}, ${task.state.toLowerCase()}) — ${escapeInline(task.spec.description)}${escapeInline(why)}`);
    }
    out.push('');
  }

  const sources = citedLines([draft, ...followUps.flatMap((f) => (f.draft ? [f.draft] : []))]);
  if (sources.size > 0) {
    out.push('## Sources', '');
    for (const [file, { spans, web }] of [...sources].sort(([a], [b]) => a.localeCompare(b))) {
      const stored = `[${escapeInline(file)}](${fileHref(file, input.root, reportDir)})`;
      out.push(
        web
          ? `- [${escapeInline(web.title || shortUrl(web.url))}](${markdownUrl(web.url)}) — stored copy ${stored}, lines ${spans.join(', ')}`
          : `- ${stored} — lines ${spans.join(', ')}`,
      );
    }
    out.push('');
  }

  // A brief report is the answer: its statistics are one line.
  const stats = input.rounds && input.rounds.length > 0 ? { ...input.stats, usage: sumUsage(input.rounds.map((r) => r.usage)) } : input.stats;
  out.push(...(reportDepthOf(input.tasks) === 'brief' ? [briefStatistics(stats)] : renderStatistics(stats, input.rounds)));
  // The report's own text has no control characters; those of sources, plans and models are dropped.
  return `${withoutControls(out.join('\n')).replace(/\n{3,}/g, '\n\n').trimEnd()}\n`;
}

const OUTCOME_WORDS: Record<RunOutcome, string> = {
  completed: 'completed',
  partial: 'partial: some tasks did not complete',
  failed: 'failed',
  cancelled: 'cancelled before it finished',
};

function renderSection(section: ReportSection, cite: (s: SourceRef) => string, level = 2): string[] {
  const out = [`${'#'.repeat(level)} ${sourceInline(section.heading)}`, ''];
  for (const block of section.blocks) out.push(...renderBlock(block, cite), '');
  return out;
}

function renderBlock(block: ReportBlock, cite: (s: SourceRef) => string): string[] {
  if (block.kind === 'text') {
    const citations = block.citations.length > 0 ? ` (${block.citations.map(cite).join(', ')})` : '';
    // sourceInline: a model's or a source's sentence must not open a heading, a list or a quote.
    return [`${sourceInline(block.text)}${citations}`];
  }
  if (isUnverified(block)) {
    // Never presented as sourced: no quote marks of the report's own, no link, and said plainly.
    return [`*Unverified — not found in the stored text of the source it cites, so it is not evidence:* ${escapeInline(block.text.replace(/\s+/g, ' ').trim())}`];
  }
  const where = describeWhere(block.where);
  if (block.inline) {
    const text = block.language !== undefined ? codeSpan(block.text.trim()) : `“${sourceInline(block.text)}”`;
    return [`- ${text} — ${where}${cite(block.source)}`];
  }
  const body = block.language !== undefined ? codeFence(block.text, block.language) : sourceBlockquote(block.text);
  return [body, '', `— ${where}${cite(block.source)}`];
}

/** `in class \`Dispatcher\`, ` or `API › pino.destination(), `: where a quote sits, before its citation. */
function describeWhere(where: { headings?: string[]; symbol?: string } | undefined): string {
  if (where?.symbol) {
    const [kind, ...name] = where.symbol.split(' ');
    return name.length > 0 ? `in ${escapeInline(kind)} ${codeSpan(name.join(' '))}, ` : `in ${codeSpan(where.symbol)}, `;
  }
  if (where?.headings && where.headings.length > 0) {
    // The nearest two headings place a quote; a reference page's full trail can run to a paragraph.
    const near = where.headings.slice(-2).map((heading) => (heading.length > 60 ? `${heading.slice(0, 59).trimEnd()}…` : heading));
    return `${sourceInline(near.join(' › '))}, `;
  }
  return '';
}

/** A quote of a web source that was not checked against the source's stored text, or failed the check. */
function isUnverified(block: ReportBlock): boolean {
  return block.kind === 'quote' && block.source.url !== undefined && block.verified !== true;
}

/** Each follow-up asked, in order, with the report body of its last synthesis that completed, if any. */
function followUpDrafts(tasks: readonly TaskSnapshot[]): { question: string; draft?: ReportDraft }[] {
  const rounds = new Map<string, ReportDraft | undefined>();
  for (const task of tasks) {
    const question = task.spec.question;
    if (question === undefined || task.spec.kind !== 'synthesize') continue;
    const draft = task.state === 'COMPLETED' ? task.result?.draft : undefined;
    rounds.set(question, draft ?? rounds.get(question));
  }
  return [...rounds].map(([question, draft]) => ({ question, ...(draft ? { draft } : {}) }));
}

/** The report body of the last synthesis that completed (a replan may have added a newer one). */
function lastSynthesis(tasks: readonly TaskSnapshot[]): ReportDraft | undefined {
  let draft: ReportDraft | undefined;
  for (const task of tasks) if (task.state === 'COMPLETED' && task.result?.draft) draft = task.result.draft;
  return draft;
}

/** When no synthesis finished: the findings of finished tasks, grouped by facet, best first, deduplicated. */
function evidenceDraft(input: ReportInput): ReportDraft {
  const byFacet = new Map<string, Finding[]>();
  const seen = new Set<string>();
  const findings = input.tasks
    .filter((t) => t.state === 'COMPLETED')
    .flatMap((t) => (t.result?.findings ?? []).map((f) => ({ ...f, facet: f.facet ?? t.spec.facet ?? t.spec.description })))
    .sort((a, b) => b.score - a.score);
  for (const finding of findings) {
    const key = `${finding.source.path}:${finding.source.startLine}-${finding.source.endLine}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const facet = finding.facet ?? 'Findings';
    const list = byFacet.get(facet) ?? [];
    if (list.length < 5) list.push(finding);
    byFacet.set(facet, list);
  }
  return {
    title: input.question,
    method: findings.length > 0 ? 'Every passage below is quoted verbatim from the cited file.' : 'No finished task found any evidence.',
    sections: [...byFacet].map(([heading, list]) => ({
      heading,
      blocks: list.map((f) => ({ kind: 'quote' as const, text: f.quote, source: f.source, ...(f.verified !== undefined && { verified: f.verified }) })),
    })),
  };
}

interface CitedFile {
  spans: string[];
  /** For a web source: the page the stored copy was read from. */
  web?: { url: URL; title?: string };
}

/** Each cited file with the line spans cited from it, in citation order. Unverified quotes cite nothing. */
function citedLines(drafts: readonly ReportDraft[]): Map<string, CitedFile> {
  const files = new Map<string, CitedFile>();
  for (const section of drafts.flatMap((d) => d.sections)) {
    for (const block of section.blocks) {
      if (isUnverified(block)) continue;
      for (const ref of block.kind === 'quote' ? [block.source] : block.citations) {
        const file = files.get(ref.path) ?? { spans: [] };
        const url = webUrl(ref);
        if (url && !file.web) file.web = { url, title: ref.title };
        const span = ref.startLine === ref.endLine ? `${ref.startLine}` : `${ref.startLine}–${ref.endLine}`;
        if (!file.spans.includes(span)) file.spans.push(span);
        files.set(ref.path, file);
      }
    }
  }
  return files;
}

function renderStatistics(stats: RunStatistics, rounds?: readonly Round[]): string[] {
  const counts = Object.entries(stats.byState)
    .filter(([, n]) => n > 0)
    .map(([state, n]) => `${n} ${state.toLowerCase()}`)
    .join(', ');
  const rows: string[][] = [
    ['Tasks', `${stats.total} (${counts || 'none'})`],
    ['Attempts', `${stats.attempts} (${stats.retries} retries)`],
    ['Elapsed', formatSeconds(stats.makespanMs)],
    ['Critical path', `${stats.criticalPath.join(' → ') || '—'} (${formatSeconds(stats.criticalPathMs)})`],
    ['Concurrency', String(stats.concurrency)],
  ];
  if (stats.usage.inputTokens + stats.usage.outputTokens > 0) {
    rows.push(['Tokens', `${stats.usage.inputTokens} in, ${stats.usage.outputTokens} out`]);
  }
  if (stats.usage.costUsd > 0) rows.push(['Cost', formatUsd(stats.usage.costUsd)]);
  if (rounds && rounds.length > 1) {
    const spent = (r: Round) => {
      const tokens = tokensOf(r.usage);
      return tokens > 0 ? `${tokens} tokens${r.usage.costUsd > 0 ? `, ${formatUsd(r.usage.costUsd)}` : ''}` : 'no tokens';
    };
    const spentAny = rounds.some((r) => tokensOf(r.usage) > 0);
    rows.push([
      'Rounds',
      spentAny
        ? rounds.map((r, i) => `${i === 0 ? 'the question' : `follow-up ${i} (${escapeInline(r.followUp ?? '')})`}: ${spent(r)}`).join('; ')
        : `${rounds.length}: the question and ${rounds.length - 1} follow-up${rounds.length === 2 ? '' : 's'}`,
    ]);
  }
  return ['## Run statistics', '', table(['', ''], rows), ''];
}

function briefStatistics(stats: RunStatistics): string {
  const cost = stats.usage.costUsd > 0 ? ` · ${formatUsd(stats.usage.costUsd)}` : '';
  return `*${stats.total} tasks · ${formatSeconds(stats.makespanMs)}${cost}*`;
}

/** Whether a synthesize task completed (simulated plans complete one without writing a draft). */
function synthesisRan(tasks: readonly TaskSnapshot[]): boolean {
  return tasks.some((t) => t.spec.kind === 'synthesize' && t.state === 'COMPLETED');
}
