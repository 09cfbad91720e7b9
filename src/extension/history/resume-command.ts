import * as vscode from 'vscode';
import { listRuns, type RunInfo } from '../../core/journal/history';
import { inspectRun, type InspectedRun } from '../../core/run/run-service';
import type { ProviderSettings } from '../../providers/create-provider';
import { readProviderSettings } from '../settings';
import { showRunError } from '../run/run-errors';
import { consentToResume } from './resume-consent';
import { describeRun } from './run-labels';

/** A run the person chose to resume and agreed to continue with the provider their settings choose now. */
export interface ResumeChoice {
  inspected: InspectedRun;
  providerSettings: ProviderSettings;
}

/**
 * The run to resume — the one named (the history, the offer after a reload, tests) or one picked —
 * and the person's consent (see consentToResume). An unknown or malformed id, a damaged run.json or a
 * provider setting that is not one is said at once, and undefined returned.
 */
export async function chooseRunToResume(
  folder: vscode.WorkspaceFolder,
  outputFolder: string,
  runIdArgument: unknown,
  confirmedTarget: string | undefined,
  log: vscode.LogOutputChannel,
): Promise<ResumeChoice | undefined> {
  const runId = typeof runIdArgument === 'string' ? runIdArgument : await pickRunToResume(folder.uri.fsPath, outputFolder);
  return runId === undefined ? undefined : consentToContinue(folder, outputFolder, runId, confirmedTarget, log);
}

/**
 * A run of the folder to continue (a resume, a follow-up), read and agreed to: its run.json shown,
 * never obeyed, and the provider the settings choose now accepted (consentToResume).
 */
export async function consentToContinue(
  folder: vscode.WorkspaceFolder,
  outputFolder: string,
  runId: string,
  confirmedTarget: string | undefined,
  log: vscode.LogOutputChannel,
): Promise<ResumeChoice | undefined> {
  try {
    const inspected = inspectRun(folder.uri.fsPath, outputFolder, runId);
    const providerSettings = readProviderSettings(folder.uri);
    return (await consentToResume(inspected.recorded, providerSettings, confirmedTarget)) ? { inspected, providerSettings } : undefined;
  } catch (error) {
    showRunError(error, log);
    return undefined;
  }
}

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
