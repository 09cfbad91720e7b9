import * as vscode from 'vscode';
import type { PlanReview } from '../../core/run/plan-review';
import type { RunHandle } from '../../core/run/run-handle';
import { resumeRun, startRun } from '../../core/run/run-service';
import { providerFactoryFor } from '../provider-for-run';
import { readSettings, runLimitsOf } from '../settings';
import type { WorkspaceIndexRegistry } from '../workspace-indexes';

/** What runs started outside the Research view (the chat participant, the agent-mode tool) need. */
export interface WorkspaceRuns {
  context: vscode.ExtensionContext;
  /** The window's kept corpora (RunManager's), so a chat question does not read the folder afresh. */
  indexes: WorkspaceIndexRegistry;
}

/** A new run over `folder` with the research.* settings, as Research: Start makes one. */
export function startWorkspaceRun(
  runs: WorkspaceRuns,
  folder: vscode.WorkspaceFolder,
  question: string,
  options: { onReview?: (review: PlanReview) => void; lmModel?: vscode.LanguageModelChat; maxTasks?: number } = {},
): RunHandle {
  const settings = readSettings(folder.uri);
  return startRun({
    root: folder.uri.fsPath,
    outputFolder: settings.outputFolder,
    question,
    reportDepth: settings.reportDepth,
    onReview: options.onReview,
    limits: { ...runLimitsOf(settings), maxTasks: options.maxTasks },
    createProvider: providerFactoryFor(runs.context, folder, { outputFolder: settings.outputFolder, indexes: runs.indexes, lmModel: options.lmModel }),
  });
}

/** A follow-up round on a run of `folder`, with the provider the settings choose now. */
export function followUpWorkspaceRun(runs: WorkspaceRuns, folder: vscode.WorkspaceFolder, runId: string, text: string, lmModel?: vscode.LanguageModelChat): RunHandle {
  const { outputFolder } = readSettings(folder.uri);
  return resumeRun({ root: folder.uri.fsPath, outputFolder, runId, followUp: text, createProvider: providerFactoryFor(runs.context, folder, { outputFolder, indexes: runs.indexes, lmModel }) });
}
