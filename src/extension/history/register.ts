import * as vscode from 'vscode';
import type { RunManager } from '../run-manager';
import { HistoryCommand } from './history-command';
import { offerToResumeInterrupted } from './offer-resume';

/**
 * Research: Resume, Research: Show History, and the offer to resume a run a reload interrupted. Every
 * resume goes through the run manager, so a resumed run shows in the tree, the progress panel and the
 * status bar, and Cancel, Replan and Cancel Task reach it.
 */
export function registerRunHistory(context: vscode.ExtensionContext, log: vscode.LogOutputChannel, runs: RunManager): void {
  const resume = (runId?: unknown) => runs.resume(runId);
  const history = new HistoryCommand(log, resume);
  context.subscriptions.push(
    // The command takes a run id only: what the person accepted is passed by the offer alone.
    vscode.commands.registerCommand('research.resume', (runId?: unknown) => resume(runId)),
    vscode.commands.registerCommand('research.showHistory', () => history.run()),
  );
  offerToResumeInterrupted(context, (runId, confirmedTarget) => runs.resume(runId, confirmedTarget));
}
