import type { RunInfo } from '../../core/journal/history';

const STATUS_WORDS: Record<RunInfo['status'], string> = {
  completed: '$(pass) completed',
  partial: '$(warning) partial',
  failed: '$(error) failed',
  cancelled: '$(circle-slash) cancelled',
  interrupted: '$(debug-pause) interrupted',
  running: '$(sync~spin) running',
  unknown: '$(question) unknown',
};

/** A QuickPick row for a run: the question, then date · outcome · tasks · cost, then the run id. */
export function describeRun(run: RunInfo): { label: string; description: string; detail: string } {
  const parts = [
    run.startedAt !== undefined ? new Date(run.startedAt).toLocaleString() : undefined,
    STATUS_WORDS[run.status],
    run.tasks ? `${run.tasks.completed}/${run.tasks.total} tasks` : undefined,
    costOf(run.usage),
    run.followUps?.length ? `${run.followUps.length} follow-up${run.followUps.length === 1 ? '' : 's'}` : undefined,
  ].filter((p): p is string => p !== undefined);
  // QuickPick labels render $(icon) syntax: a question that happens to contain it must stay text.
  const question = run.question.replace(/\s+/g, ' ').replace(/\$\(/g, '$\u200b(');
  return { label: question, description: parts.join(' · '), detail: `${run.runId}${run.note ? ` — ${run.note}` : ''}` };
}

export function costOf(usage: RunInfo['usage']): string | undefined {
  if (!usage || usage.inputTokens + usage.outputTokens === 0) return undefined;
  const tokens = `${(usage.inputTokens + usage.outputTokens).toLocaleString()} tokens`;
  return usage.costUsd > 0 ? `$${usage.costUsd.toFixed(usage.costUsd < 1 ? 4 : 2)} · ${tokens}` : tokens;
}
