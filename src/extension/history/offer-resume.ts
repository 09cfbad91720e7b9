import * as vscode from 'vscode';
import { interruptedRuns } from '../../core/journal/history';
import { describeTarget, targetOfSettings } from '../../providers/resume-target';
import { readProviderSettings, readSettings } from '../settings';

const DISMISSED_KEY = 'research.dismissedInterruptedRuns';
/** After a reload the old extension host may still be shutting down, holding its run's lock. */
const RECHECK_AFTER_MS = 5000;

/**
 * After a window reload (or a crash) during a run: one non-modal notification offering to resume the
 * newest interrupted run, naming the provider it will continue with (the person's settings, never the
 * run's files). A run the person dismissed is not offered again in this workspace. In a workspace the
 * person has not trusted nothing is offered (a folder can ship a `.research` run of its own); the offer
 * comes once they trust it.
 */
export function offerToResumeInterrupted(context: vscode.ExtensionContext, resume: (runId: string, confirmedTarget?: string) => Thenable<unknown>): void {
  const folder = vscode.workspace.workspaceFolders?.[0];
  if (!folder) return;
  if (!vscode.workspace.isTrusted) {
    context.subscriptions.push(vscode.workspace.onDidGrantWorkspaceTrust(() => offerToResumeInterrupted(context, resume)));
    return;
  }
  const { outputFolder } = readSettings(folder.uri);
  const dismissed = new Set(context.workspaceState.get<string[]>(DISMISSED_KEY, []));
  const check = (first: boolean) => {
    const found = interruptedRuns(folder.uri.fsPath, outputFolder);
    const offer = found.interrupted.filter((run) => !dismissed.has(run.runId));
    if (offer.length === 0) {
      if (first && found.stillHeld > 0) setTimeout(() => check(false), RECHECK_AFTER_MS).unref?.();
      return;
    }
    const [newest] = offer;
    const target = currentTarget(folder.uri);
    const more = offer.length > 1 ? ` (and ${offer.length - 1} more: see Research: Resume)` : '';
    const question = JSON.stringify(newest!.question.slice(0, 300));
    void vscode.window
      .showInformationMessage(`A research run was interrupted: ${question}. Resume it with ${target ?? 'your research settings'}?${more}`, 'Resume', 'Dismiss')
      .then((choice) => {
        if (choice === 'Resume') void resume(newest!.runId, target);
        else if (choice === 'Dismiss') {
          dismissed.add(newest!.runId);
          void context.workspaceState.update(DISMISSED_KEY, [...dismissed].slice(-200));
        }
      });
  };
  try {
    check(true);
  } catch {
    // A folder that cannot be read has no runs to offer.
  }
}

/** The provider the resume would use, as the consent compares it; undefined when the settings are incomplete. */
function currentTarget(folder: vscode.Uri): string | undefined {
  try {
    return describeTarget(targetOfSettings(readProviderSettings(folder)));
  } catch {
    return undefined;
  }
}
