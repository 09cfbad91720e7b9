import * as vscode from 'vscode';
import { listRuns } from '../../core/journal/history';
import { validateQuestion } from '../../core/question';
import { textFrom } from '../run/ask-for-run';
import { showRunError } from '../run/run-errors';
import { consentToContinue, type ResumeChoice } from './resume-command';
import { describeRun } from './run-labels';

export interface FollowUpChoice extends ResumeChoice {
  text: string;
}

/**
 * "Research: Ask a Follow-up…" on a run that is over: which run — the one named, else a pick of the
 * folder's runs that ended, the last one first — and the follow-up, asked in an input box unless given.
 * Like a resume, it reads the run's files, so it needs a trusted workspace and the person's consent to
 * the provider their settings choose now (consentToResume). Undefined when the person stopped.
 */
export async function chooseFollowUp(
  folder: vscode.WorkspaceFolder,
  outputFolder: string,
  lastRunId: string | undefined,
  runIdArgument: unknown,
  textArgument: unknown,
  log: vscode.LogOutputChannel,
): Promise<FollowUpChoice | undefined> {
  const runId = typeof runIdArgument === 'string' ? runIdArgument : await pickFinishedRun(folder.uri.fsPath, outputFolder, lastRunId);
  if (runId === undefined) return undefined;
  const text = await textFrom(textArgument, {
    title: 'Research: Ask a Follow-up',
    prompt: 'What else should this run find out? Its finished tasks and evidence are kept; only the new searches run.',
    placeHolder: 'e.g. also compare with the tests',
    required: 'Type the follow-up question.',
  });
  if (text === undefined) return undefined;
  let question: string;
  try {
    question = validateQuestion(text);
  } catch (error) {
    showRunError(error, log);
    return undefined;
  }
  const chosen = await consentToContinue(folder, outputFolder, runId, undefined, log);
  return chosen && { ...chosen, text: question };
}

async function pickFinishedRun(root: string, outputFolder: string, lastRunId: string | undefined): Promise<string | undefined> {
  const runs = listRuns(root, outputFolder).filter((run) => run.status === 'completed' || run.status === 'partial' || run.status === 'cancelled' || run.status === 'failed');
  if (runs.length === 0) {
    void vscode.window.showInformationMessage('Research: no run of this folder has ended yet; ask a follow-up once one has.');
    return undefined;
  }
  const ordered = [...runs.filter((r) => r.runId === lastRunId), ...runs.filter((r) => r.runId !== lastRunId)];
  const choice = await vscode.window.showQuickPick(
    ordered.map((run) => ({ ...describeRun(run), runId: run.runId })),
    { title: 'Research: Ask a Follow-up', placeHolder: 'Choose the run to follow up on; its evidence is kept', matchOnDescription: true, matchOnDetail: true },
  );
  return choice?.runId;
}
