import * as vscode from 'vscode';
import { errorMessage } from '../../core/errors';
import { deleteRun, listRuns, type RunInfo } from '../../core/journal/history';
import { readSettings } from '../settings';
import { describeRun } from './run-labels';

type RunItem = vscode.QuickPickItem & { run: RunInfo };

const OPEN = { iconPath: new vscode.ThemeIcon('go-to-file'), tooltip: 'Open the report' };
const RESUME = { iconPath: new vscode.ThemeIcon('debug-continue'), tooltip: 'Resume this run' };
const DELETE = { iconPath: new vscode.ThemeIcon('trash'), tooltip: 'Delete this run (report and journal)' };

/**
 * "Research: Show History": the workspace's runs, newest first, with question, date, outcome, tasks and
 * cost. Choosing a run opens its report (or resumes it when it has none yet); the buttons open the
 * report, resume, or delete the run after a modal confirmation.
 */
export class HistoryCommand {
  constructor(
    private readonly log: vscode.LogOutputChannel,
    private readonly resume: (runId: string) => Thenable<unknown>,
  ) {}

  async run(): Promise<void> {
    const folder = vscode.workspace.workspaceFolders?.[0];
    if (!folder) {
      void vscode.window.showErrorMessage('Research: open a folder to see its research runs.');
      return;
    }
    const root = folder.uri.fsPath;
    const { outputFolder } = readSettings(folder.uri);
    const pick = vscode.window.createQuickPick<RunItem>();
    pick.title = 'Research: History';
    pick.placeholder = 'Choose a run to open its report';
    pick.matchOnDescription = true;
    pick.matchOnDetail = true;
    const refresh = () => {
      const runs = listRuns(root, outputFolder);
      pick.items = runs.map((run) => ({ ...describeRun(run), run, buttons: buttonsFor(run) }));
      if (runs.length === 0) pick.placeholder = 'No research runs in this folder yet';
    };
    refresh();

    await new Promise<void>((resolve) => {
      pick.onDidHide(() => resolve());
      pick.onDidAccept(() => {
        const item = pick.selectedItems[0];
        pick.hide();
        if (!item) return;
        if (item.run.hasReport) void this.open(item.run);
        else if (item.run.resumable) void this.resume(item.run.runId);
        else void vscode.window.showInformationMessage(`Research: run ${item.run.runId} has no report.`);
      });
      pick.onDidTriggerItemButton(async ({ item, button }) => {
        if (button === OPEN) {
          pick.hide();
          await this.open(item.run);
        } else if (button === RESUME) {
          pick.hide();
          void this.resume(item.run.runId);
        } else if (button === DELETE) {
          pick.enabled = false;
          try {
            if (await this.delete(root, outputFolder, item.run)) refresh();
          } finally {
            pick.enabled = true;
            pick.show(); // the modal took the focus
          }
        }
      });
      pick.show();
    });
    pick.dispose();
  }

  private async open(run: RunInfo): Promise<void> {
    if (!run.reportPath) return;
    try {
      await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(vscode.Uri.file(run.reportPath)), { preview: false });
    } catch (error) {
      void vscode.window.showErrorMessage(`Research: cannot open the report of run ${run.runId}: ${errorMessage(error)}`);
    }
  }

  private async delete(root: string, outputFolder: string, run: RunInfo): Promise<boolean> {
    const answer = await vscode.window.showWarningMessage(
      `Delete the research run "${run.question.slice(0, 200)}"?`,
      { modal: true, detail: `Its report, journal and everything else in ${run.dir} will be deleted. This cannot be undone.` },
      'Delete',
    );
    if (answer !== 'Delete') return false;
    try {
      deleteRun(root, outputFolder, run.runId);
      this.log.info(`deleted run ${run.runId}`);
      return true;
    } catch (error) {
      void vscode.window.showErrorMessage(`Research: ${errorMessage(error)}`);
      return false;
    }
  }
}

function buttonsFor(run: RunInfo): vscode.QuickInputButton[] {
  return [...(run.hasReport ? [OPEN] : []), ...(run.resumable ? [RESUME] : []), ...(run.status !== 'running' ? [DELETE] : [])];
}
