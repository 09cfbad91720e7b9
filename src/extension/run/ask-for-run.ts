import * as vscode from 'vscode';
import { errorMessage } from '../../core/errors';
import { validateQuestion } from '../../core/question';

/** The open folder, or undefined after offering to open one. */
export async function folderForRun(message: string): Promise<vscode.WorkspaceFolder | undefined> {
  const folder = vscode.workspace.workspaceFolders?.[0];
  if (folder) return folder;
  const choice = await vscode.window.showErrorMessage(message, 'Open Folder');
  if (choice === 'Open Folder') await vscode.commands.executeCommand('vscode.openFolder');
  return undefined;
}

/**
 * The question and plan of "Research: Start". `argument` may be the question (a string) or, for tests
 * and automation, `{ question?, plan? }` where `plan` is a plan as `--plan` takes it (its question is
 * used when none is given). Without one, asks. Undefined when the person backed out or the question
 * is not one (said in an error message).
 */
export async function askForQuestion(folder: vscode.WorkspaceFolder, argument: unknown): Promise<{ question: string; plan?: unknown } | undefined> {
  const { question: given, plan } = parseStartArgument(argument);
  const raw =
    given ??
    (await vscode.window.showInputBox({
      title: 'Research: Start',
      prompt: `Ask a question about the files of ${folder.name}`,
      placeHolder: 'e.g. How are retries and timeouts handled?',
      ignoreFocusOut: true,
      validateInput: (value) => (value.trim() === '' ? 'Type what you want to find out.' : undefined),
    }));
  if (raw === undefined) return undefined;
  try {
    return { question: validateQuestion(raw), plan };
  } catch (error) {
    void vscode.window.showErrorMessage(`Research: ${errorMessage(error)}`);
    return undefined;
  }
}

function parseStartArgument(argument: unknown): { question?: string; plan?: unknown } {
  if (typeof argument === 'string') return { question: argument };
  if (argument && typeof argument === 'object' && !(argument instanceof vscode.Uri)) {
    const { question, plan } = argument as { question?: unknown; plan?: unknown };
    const planQuestion = plan && typeof plan === 'object' ? (plan as { question?: unknown }).question : undefined;
    const text = typeof question === 'string' ? question : typeof planQuestion === 'string' ? planQuestion : undefined;
    return { ...(text !== undefined ? { question: text } : {}), ...(plan !== undefined ? { plan } : {}) };
  }
  return {};
}

/**
 * The words a command acts on: its argument when it was given one (the tree, other extensions, tests),
 * else what the person types in an input box. Undefined when they pressed Escape.
 */
export async function textFrom(argument: unknown, box: { title: string; prompt: string; placeHolder: string; required?: string }): Promise<string | undefined> {
  if (typeof argument === 'string') return argument;
  return vscode.window.showInputBox({
    title: box.title,
    prompt: box.prompt,
    placeHolder: box.placeHolder,
    ignoreFocusOut: true,
    ...(box.required ? { validateInput: (value: string) => (value.trim() === '' ? box.required : undefined) } : {}),
  });
}
