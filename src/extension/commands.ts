import { MAX_PLAN_FILE_BYTES, readPlanFile } from '../core/plan-file';
import * as vscode from 'vscode';
import { errorMessage } from '../core/errors';
import { isTerminal } from '../core/task-state';
import type { RunManager } from './run-manager';
import { taskDocumentUri, TASK_DOCUMENT_SCHEME, TaskDocumentProvider } from './task-document';
import { TaskTreeProvider } from './task-tree';
import { textFrom } from './run/ask-for-run';
import { exportReport } from './run/export-command';
import { registerReviewCommands } from './run/review-commands';
import { pickTask, taskIdOf } from './run/task-pick';

export const TASKS_VIEW = 'research.tasks';

/** What the integration tests reach through `activate()`'s return value. */
export interface ResearchTestApi {
  runs: RunManager;
  taskTree: TaskTreeProvider;
  treeView: vscode.TreeView<unknown>;
}

/**
 * Registers the Research commands, the task tree and the task documents. Every command works from
 * the palette (asking for what it needs), from the tree (taking the task it was invoked on) and from
 * other extensions or tests (taking arguments).
 */
export function registerResearchUi(context: vscode.ExtensionContext, runs: RunManager): ResearchTestApi {
  const taskTree = new TaskTreeProvider();
  const treeView = vscode.window.createTreeView(TASKS_VIEW, { treeDataProvider: taskTree, showCollapseAll: true });
  const documents = new TaskDocumentProvider(runs);
  let lastMessage: string | undefined;
  let lastRunId: string | undefined;
  let lastBadge = 0;
  const onSnapshot = () => {
    const snapshot = runs.snapshot;
    taskTree.update(snapshot);
    const message = snapshot ? treeMessage(snapshot) : undefined;
    if (message !== lastMessage) treeView.message = lastMessage = message;
    // The activity-bar icon counts the tasks still to do while a run goes on.
    const open = snapshot && snapshot.status !== 'ended' ? snapshot.tasks.filter((t) => !isTerminal(t.state)).length : 0;
    if (open !== lastBadge) {
      lastBadge = open;
      treeView.badge = open > 0 ? { value: open, tooltip: `${open} research task${open === 1 ? '' : 's'} to do` } : undefined;
    }
    // A new run shows its tree, as a person who just asked a question expects.
    if (snapshot && snapshot.runId !== lastRunId) {
      lastRunId = snapshot.runId;
      if (!treeView.visible) void vscode.commands.executeCommand(`${TASKS_VIEW}.focus`);
    }
  };

  context.subscriptions.push(
    taskTree,
    treeView,
    documents,
    runs.onDidChange(onSnapshot),
    vscode.workspace.registerTextDocumentContentProvider(TASK_DOCUMENT_SCHEME, documents),
    vscode.commands.registerCommand('research.start', (argument?: unknown) => runs.start(argument)),
    vscode.commands.registerCommand('research.startFromPlan', (argument?: unknown) => startFromPlan(runs, argument)),
    vscode.commands.registerCommand('research.cancel', () => runs.cancelRun()),
    vscode.commands.registerCommand('research.replan', async (instruction?: unknown) => {
      const text = await textFrom(instruction, {
        title: 'Research: Replan',
        prompt: 'What should the new plan do differently? (optional — finished work is kept)',
        placeHolder: 'e.g. also look at the tests; leave empty to broaden the search',
      });
      if (text === undefined) return;
      await runs.replan(text.trim());
    }),
    vscode.commands.registerCommand('research.cancelTask', async (argument?: unknown) => {
      const id =
        taskIdOf(argument) ?? (await pickTask(runs.snapshot?.tasks ?? [], 'Research: Cancel Task', (t) => !isTerminal(t.state), 'no task is left to cancel.'));
      if (id) runs.cancelTask(id);
    }),
    vscode.commands.registerCommand('research.retryTask', async (argument?: unknown) => {
      const id =
        taskIdOf(argument) ??
        (await pickTask(runs.snapshot?.tasks ?? [], 'Research: Retry Task', (t) => t.state === 'FAILED' || t.state === 'CANCELLED', 'no task has failed or been cancelled.'));
      if (id) runs.retryTask(id);
    }),
    vscode.commands.registerCommand('research.openReport', () => runs.openReport()),
    vscode.commands.registerCommand('research.followUp', (runId?: unknown, text?: unknown) => runs.followUp(runId, text)),
    registerReviewCommands(() => runs.review),
    vscode.commands.registerCommand('research.exportReport', (argument?: unknown) => exportReport(runs.snapshot?.reportPath, argument)),
    // A click on a task runs this without arguments and it shows the selected task: a TreeItem command
    // with arguments goes stale when the item is redrawn (running tasks are, every second).
    vscode.commands.registerCommand('research.showTask', async (argument?: unknown) => {
      const selected = treeView.selection[0];
      const id = taskIdOf(argument) ?? (selected?.type === 'task' ? selected.taskId : undefined);
      const snapshot = runs.snapshot;
      if (!id || !snapshot) return;
      const document = await vscode.workspace.openTextDocument(taskDocumentUri(snapshot.runId, id));
      await vscode.window.showTextDocument(document, { preview: true, preserveFocus: true });
    }),
  );
  return { runs, taskTree, treeView: treeView as vscode.TreeView<unknown> };
}

/** The line above the tree: the question and where the run stands (the counts are in the groups). */
function treeMessage(snapshot: NonNullable<RunManager['snapshot']>): string {
  if (snapshot.status === 'reviewing') return `${snapshot.question} — review the plan: edit, remove or add tasks, then Run Plan`;
  const where = snapshot.status === 'ended' ? (snapshot.outcome ?? 'ended') : `${snapshot.status}…`;
  return `${snapshot.question} — ${where}`;
}

/**
 * "Research: Start from Plan File…": runs a plan written as JSON (the CLI's `--plan`), picked from the
 * workspace's .json files or any file. The argument may be the file's Uri.
 */
async function startFromPlan(runs: RunManager, argument?: unknown): Promise<unknown> {
  let uri = argument instanceof vscode.Uri ? argument : undefined;
  if (!uri) {
    const files = await vscode.workspace.findFiles('**/*.json', '{**/node_modules/**,**/.research/**,**/.git/**}', 200);
    const browse = { label: '$(folder-opened) Browse…', uri: undefined as vscode.Uri | undefined };
    const picked = await vscode.window.showQuickPick(
      [...files.sort((a, b) => a.fsPath.localeCompare(b.fsPath)).map((f) => ({ label: vscode.workspace.asRelativePath(f), uri: f as vscode.Uri | undefined })), browse],
      { title: 'Research: Start from Plan File', placeHolder: 'Choose a plan (JSON: a question and its tasks)', matchOnDescription: true },
    );
    if (!picked) return undefined;
    uri = picked.uri ?? (await vscode.window.showOpenDialog({ canSelectMany: false, filters: { 'Research plan': ['json'] }, title: 'Plan file' }))?.[0];
    if (!uri) return undefined;
  }
  let plan: unknown;
  try {
    // The same bounded read as the CLI's --plan: a FIFO or a huge file is refused, not read.
    plan = await readPlanFile(uri.fsPath, MAX_PLAN_FILE_BYTES, `the plan ${vscode.workspace.asRelativePath(uri)}`);
  } catch (error) {
    void vscode.window.showErrorMessage(`Research: ${errorMessage(error)}`);
    return undefined;
  }
  return runs.start({ plan });
}


