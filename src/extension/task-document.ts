import * as vscode from 'vscode';
import { formatSeconds } from '../core/errors';
import { blockquote, escapeInline, escapeLine, sourceLabel } from '../core/markdown';
import { sourceBlockquote } from '../core/source-markdown';
import type { RunViewSnapshot, TaskView } from '../core/run-view';
import type { TaskSnapshot } from '../core/task';

export const TASK_DOCUMENT_SCHEME = 'research-task';

/** `research-task:/<runId>/<taskId>.md` — the Markdown page that shows one task. */
export function taskDocumentUri(runId: string, taskId: string): vscode.Uri {
  return vscode.Uri.from({ scheme: TASK_DOCUMENT_SCHEME, path: `/${runId}/${encodeURIComponent(taskId)}.md` });
}

function taskIdOf(uri: vscode.Uri): { runId: string; taskId: string } | undefined {
  const match = /^\/([^/]+)\/(.+)\.md$/.exec(uri.path);
  return match ? { runId: match[1]!, taskId: decodeURIComponent(match[2]!) } : undefined;
}

/** "2.3 s" from the first attempt to the end (or to now while it runs); undefined before it starts. */
export function describeDuration(task: Pick<TaskView, 'startedAt' | 'endedAt'>, now = Date.now()): string | undefined {
  if (task.startedAt === undefined) return undefined;
  return formatSeconds(Math.max(0, (task.endedAt ?? now) - task.startedAt));
}

export interface TaskDocumentSource {
  readonly snapshot: RunViewSnapshot | undefined;
  readonly onDidChange: vscode.Event<RunViewSnapshot>;
  taskDetails(taskId: string): TaskSnapshot | undefined;
  inputsOf(taskId: string): TaskSnapshot[];
}

/**
 * Read-only Markdown pages for tasks: description, state, attempts, inputs (the dependencies and
 * what they found), the result with its findings, or the error. Open pages follow the run live.
 */
export class TaskDocumentProvider implements vscode.TextDocumentContentProvider, vscode.Disposable {
  private readonly changeEmitter = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.changeEmitter.event;
  private readonly subscription: vscode.Disposable;
  private readonly closing: vscode.Disposable;
  /** What each open page shows, so that a page is refreshed only when its own task changed. */
  private readonly shown = new Map<string, string>();

  constructor(private readonly source: TaskDocumentSource) {
    this.subscription = source.onDidChange(() => {
      for (const document of vscode.workspace.textDocuments) {
        if (document.uri.scheme !== TASK_DOCUMENT_SCHEME || document.isClosed) continue;
        if (this.shown.get(document.uri.toString()) !== this.render(document.uri)) this.changeEmitter.fire(document.uri);
      }
    });
    this.closing = vscode.workspace.onDidCloseTextDocument((document) => this.shown.delete(document.uri.toString()));
  }

  provideTextDocumentContent(uri: vscode.Uri): string {
    const text = this.render(uri);
    this.shown.set(uri.toString(), text);
    return text;
  }

  private render(uri: vscode.Uri): string {
    const ids = taskIdOf(uri);
    const snapshot = this.source.snapshot;
    const task = snapshot?.tasks.find((t) => t.id === ids?.taskId);
    if (!ids || !snapshot || snapshot.runId !== ids.runId || !task) {
      return `# Task not found\n\nThis task belongs to a run that is no longer shown (${escapeInline(uri.path)}).\n`;
    }
    return renderTask(task, this.source.taskDetails(task.id), this.source.inputsOf(task.id));
  }

  dispose(): void {
    this.subscription.dispose();
    this.closing.dispose();
    this.changeEmitter.dispose();
  }
}

export function renderTask(task: TaskView, details: TaskSnapshot | undefined, inputs: readonly TaskSnapshot[]): string {
  const lines: string[] = [];
  lines.push(`# ${escapeInline(task.id)} · ${task.kind}`, '', escapeLine(task.description), '');
  // A running task's page says "running" rather than a ticking time, so it is not redrawn every moment.
  const duration = task.state === 'RUNNING' || task.state === 'RETRYING' ? task.state.toLowerCase() : describeDuration(task);
  lines.push(
    `| state | attempts | retries | duration |`,
    `| --- | --- | --- | --- |`,
    `| ${task.state.toLowerCase()} | ${task.attempts} | ${task.retries} | ${duration ?? '—'} |`,
    '',
  );
  if (task.parent) lines.push(`Decomposed from **${escapeInline(task.parent)}**.`, '');
  if (details?.spec.query) lines.push(`Query: \`${details.spec.query.replace(/`/g, "'")}\``, '');
  if (task.progress) lines.push(`Now: ${escapeInline(task.progress.message)}`, '');

  lines.push('## Inputs', '');
  if (task.dependsOn.length === 0) lines.push('None: this task needs no other task.', '');
  for (const id of task.dependsOn) {
    const input = inputs.find((i) => i.spec.id === id);
    const state = input ? input.state.toLowerCase() : 'unknown';
    const summary = input?.result?.summary;
    lines.push(`- **${escapeInline(id)}** (${state})${summary ? `: ${escapeInline(summary)}` : ''}`);
  }
  if (task.dependsOn.length > 0) lines.push('');

  if (task.reason || (task.lastError && task.state !== 'COMPLETED')) {
    lines.push(task.state === 'FAILED' ? '## Error' : task.state === 'CANCELLED' ? '## Why it did not finish' : '## Last error', '');
    if (task.reason) lines.push(blockquote(task.reason), '');
    if (task.lastError && task.lastError !== task.reason) lines.push(`Last retryable error: ${escapeInline(task.lastError)}`, '');
  }

  const result = details?.result;
  if (result || task.summary) {
    lines.push('## Result', '', escapeLine(result?.summary ?? task.summary ?? ''), '');
    const findings = result?.findings ?? [];
    if (findings.length > 0) {
      lines.push(`### Findings (${findings.length})`, '');
      for (const finding of findings.slice(0, 50)) {
        lines.push(`**${escapeInline(sourceLabel(finding.source))}**${finding.facet ? ` — ${escapeInline(finding.facet)}` : ''}`, '', sourceBlockquote(finding.quote), '');
      }
      if (findings.length > 50) lines.push(`…and ${findings.length - 50} more.`, '');
    }
    if (result?.usage) lines.push(`Usage: ${result.usage.inputTokens} input tokens, ${result.usage.outputTokens} output tokens.`, '');
  } else if (task.state !== 'FAILED' && task.state !== 'CANCELLED') {
    lines.push('## Result', '', 'Not yet: the result appears here when the task completes.', '');
  }
  return lines.join('\n');
}
