import * as vscode from 'vscode';
import { listRuns, type RunInfo } from '../../core/journal/history';
import { describeRun } from './run-labels';

/**
 * "Research: Resume" without a run id: a QuickPick of the workspace's runs that can be resumed,
 * interrupted ones first. The resume itself is RunManager.resume, which shows the run like a new one.
 */
export async function pickRunToResume(root: string, outputFolder: string): Promise<string | undefined> {
  const runs = listRuns(root, outputFolder).filter((run) => run.resumable);
  if (runs.length === 0) {
    void vscode.window.showInformationMessage('Research: no run in this folder needs resuming.');
    return undefined;
  }
  // Interrupted runs first: those are the ones a crash or a reload left behind.
  const ordered = [...runs.filter((r) => r.status === 'interrupted'), ...runs.filter((r) => r.status !== 'interrupted')];
  const choice = await vscode.window.showQuickPick(
    ordered.map((run: RunInfo) => ({ ...describeRun(run), runId: run.runId })),
    { title: 'Research: Resume', placeHolder: 'Choose a run to continue; finished tasks are not run again', matchOnDescription: true, matchOnDetail: true },
  );
  return choice?.runId;
}
