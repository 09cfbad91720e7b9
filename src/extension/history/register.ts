import * as vscode from 'vscode';
import type { Dispatcher } from '../../core/dispatcher';
import { HistoryCommand } from './history-command';
import { offerToResumeInterrupted } from './offer-resume';
import { ResumeCommand } from './resume-command';

/**
 * Research: Resume, Research: Show History, and the offer to resume a run a reload interrupted.
 * `hooks.onDispatcher` receives the dispatcher of each resumed run (for the task tree and webview).
 */
export function registerRunHistory(
  context: vscode.ExtensionContext,
  log: vscode.LogOutputChannel,
  hooks: { onDispatcher?: (dispatcher: Dispatcher) => void } = {},
): void {
  const resume = new ResumeCommand(log, hooks.onDispatcher, context.secrets);
  const history = new HistoryCommand(log, (runId) => resume.run(runId));
  context.subscriptions.push(
    vscode.commands.registerCommand('research.resume', (runId?: unknown) => resume.run(runId)),
    vscode.commands.registerCommand('research.showHistory', () => history.run()),
  );
  offerToResumeInterrupted(context, (runId) => resume.run(runId));
}
