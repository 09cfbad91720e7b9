import { jsonLine, printableLine } from '../core/control-chars';
import { formatUsd } from '../core/format';
import type { RunInfo } from '../core/journal/history';

/**
 * `--history`: one line per run, newest first, or one JSON object per run with --json. Run ids (folder
 * names) and questions come from the folder's run files: control characters in them are shown escaped.
 */
export function formatHistory(runs: readonly RunInfo[], json: boolean): string {
  if (json) return runs.map((run) => jsonLine(run)).join('\n');
  if (runs.length === 0) return 'No runs yet.';
  const rows = runs.map((run) => [
    run.startedAt !== undefined ? new Date(run.startedAt).toISOString().slice(0, 16).replace('T', ' ') : '—',
    run.status + (run.resumable ? ' (resumable)' : ''),
    run.tasks ? `${run.tasks.completed}/${run.tasks.total}` : '—',
    formatCost(run.usage),
    printableLine(run.runId),
    oneLine(run.question, 70) + (run.followUps?.length ? ` (+${run.followUps.length} follow-up${run.followUps.length === 1 ? '' : 's'})` : ''),
  ]);
  const header = ['started', 'outcome', 'tasks', 'cost', 'run id', 'question'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]!))).join('  ');
  const resumable = runs.filter((run) => run.resumable);
  const hint = resumable.length > 0 ? `\n\nResume with: npm run research -- --resume ${printableLine(resumable[0]!.runId)}` : '';
  return [line(header), ...rows.map(line)].join('\n') + hint;
}

export function formatCost(usage: RunInfo['usage']): string {
  if (!usage || usage.inputTokens + usage.outputTokens === 0) return '—';
  const tokens = `${(usage.inputTokens + usage.outputTokens).toLocaleString('en')} tokens`;
  return usage.costUsd > 0 ? `${formatUsd(usage.costUsd)} · ${tokens}` : tokens;
}

function oneLine(text: string, max: number): string {
  const flat = printableLine(text.replace(/\s+/g, ' ').trim());
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}
