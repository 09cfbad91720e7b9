import { readFile } from 'node:fs/promises';
import * as vscode from 'vscode';
import { listRuns } from '../../core/journal/history';
import { followUpWorkspaceRun, startWorkspaceRun, type WorkspaceRuns } from '../run/workspace-run';
import { readSettings } from '../settings';
import { createResearchHandler, PARTICIPANT_ID, type ParticipantDeps } from './research-participant';

/** `@research` in VS Code Chat, over the first workspace folder, with the research.* settings. */
export function registerResearchParticipant(runs: WorkspaceRuns): vscode.ChatParticipant {
  const participant = vscode.chat.createChatParticipant(PARTICIPANT_ID, createResearchHandler(participantDeps(runs)));
  participant.iconPath = vscode.Uri.joinPath(runs.context.extensionUri, 'media', 'research.svg');
  return participant;
}

export function participantDeps(runs: WorkspaceRuns): ParticipantDeps {
  const first = () => vscode.workspace.workspaceFolders?.[0];
  return {
    folder: () => {
      const folder = first();
      return folder && { name: folder.name, fsPath: folder.uri.fsPath };
    },
    start: (question, { model, onReview }) => startWorkspaceRun(runs, first()!, question, { onReview, lmModel: model }),
    followUp(runId, text, model) {
      // A follow-up reads the run's files, which come with the folder: only in a trusted workspace.
      if (!vscode.workspace.isTrusted) throw new Error('a follow-up continues a run from its files, which come with this folder: trust the workspace first');
      return followUpWorkspaceRun(runs, first()!, runId, text, model);
    },
    history: () => {
      const folder = first();
      return folder ? listRuns(folder.uri.fsPath, readSettings(folder.uri).outputFolder) : [];
    },
    location: (file, startLine, endLine) => new vscode.Location(vscode.Uri.file(file), new vscode.Range(startLine - 1, 0, endLine - 1, 0)),
    openReport: (reportPath) => ({ command: 'vscode.open', title: 'Open the Full Report', arguments: [vscode.Uri.file(reportPath)] }),
    readReport: (reportPath) => readFile(reportPath, 'utf8'),
  };
}
