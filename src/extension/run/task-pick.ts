import * as vscode from 'vscode';
import type { TaskView } from '../../core/run-view';

/** The task id of a command argument: a tree node, a TaskView, or the id itself. */
export function taskIdOf(argument: unknown): string | undefined {
  if (typeof argument === 'string') return argument;
  if (argument && typeof argument === 'object') {
    const { taskId, id } = argument as { taskId?: unknown; id?: unknown };
    if (typeof taskId === 'string') return taskId;
    if (typeof id === 'string') return id;
  }
  return undefined;
}

/** Asks which task to act on, listing only the tasks the action applies to. */
export async function pickTask(all: readonly TaskView[], title: string, eligible: (task: TaskView) => boolean, none: string): Promise<string | undefined> {
  const tasks = all.filter(eligible);
  if (tasks.length === 0) {
    void vscode.window.showInformationMessage(`Research: ${none}`);
    return undefined;
  }
  const picked = await vscode.window.showQuickPick(
    tasks.map((t) => ({ label: t.id, description: `${t.state.toLowerCase()} · ${t.kind}`, detail: t.reason ?? t.description, taskId: t.id })),
    { title, placeHolder: 'Choose a task', matchOnDescription: true, matchOnDetail: true },
  );
  return picked?.taskId;
}
