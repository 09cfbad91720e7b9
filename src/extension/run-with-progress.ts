import * as vscode from 'vscode';
import { errorMessage, UsageError } from '../core/errors';
import { EventBus } from '../core/events';
import { PlanValidationError } from '../core/plan';
import type { ResearchResult } from '../core/research';

/**
 * Runs research behind a cancellable progress notification, logging to the output channel: the part
 * every command that runs research shares (Research: Start has the same flow and can move onto this).
 * `start` receives the bus and the signal to pass to `research()` / `resumeResearch()`.
 */
export async function runWithProgress(
  log: vscode.LogOutputChannel,
  title: string,
  start: (bus: EventBus, signal: AbortSignal) => Promise<ResearchResult>,
  controller: AbortController = new AbortController(),
): Promise<ResearchResult> {
  const bus = new EventBus((error) => log.error(`a progress handler failed: ${errorMessage(error)}`));
  bus.on('log', (e) => log[e.level](e.message));
  bus.on('task:state', (e) => log.info(`${e.taskId}: ${e.from} → ${e.to}${e.reason ? ` (${e.reason})` : ''}`));
  return vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title, cancellable: true }, async (progress, token) => {
    token.onCancellationRequested(() => controller.abort());
    let total = 0;
    let settled = 0;
    bus.on('run:start', (e) => {
      total = e.plan.tasks.length;
      progress.report({ message: `${total} tasks planned` });
    });
    bus.on('task:state', (e) => {
      if (e.to !== 'COMPLETED' && e.to !== 'FAILED' && e.to !== 'CANCELLED') return;
      settled++;
      progress.report({ increment: total ? 100 / total : 0, message: `${settled}/${total} · ${e.taskId} ${e.to.toLowerCase()}` });
    });
    progress.report({ message: 'starting…' });
    return start(bus, controller.signal);
  });
}

/** Opens the report of a finished run, and says so when it is partial or cancelled. */
export async function showReport(result: Pick<ResearchResult, 'reportPath' | 'outcome'>): Promise<vscode.Uri> {
  const reportUri = vscode.Uri.file(result.reportPath);
  const document = await vscode.workspace.openTextDocument(reportUri);
  await vscode.window.showTextDocument(document, { preview: false });
  if (result.outcome !== 'completed') {
    void vscode.window.showWarningMessage(`Research ${result.outcome === 'cancelled' ? 'was cancelled' : 'finished with gaps'}: the report says what is missing.`);
  }
  return reportUri;
}

/** Shows an error from a run: usage errors say what to fix; others are failures. */
export function showRunError(log: vscode.LogOutputChannel, error: unknown): void {
  const message = errorMessage(error);
  log.error(`research failed: ${message}`);
  const prefix = error instanceof UsageError || error instanceof PlanValidationError ? 'Research' : 'Research failed';
  void vscode.window.showErrorMessage(`${prefix}: ${message}`);
}
