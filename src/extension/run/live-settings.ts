import * as vscode from 'vscode';
import type { RunHandle } from '../../core/run/run-handle';
import { readSettings } from '../settings';

/** Concurrency and the task timeout reach the run in progress at once; the other settings apply to the next run. */
export function followLiveSettings(current: () => RunHandle | undefined, log: vscode.LogOutputChannel): vscode.Disposable {
  return vscode.workspace.onDidChangeConfiguration((event) => {
    const handle = current();
    const folder = vscode.workspace.workspaceFolders?.[0];
    if (!handle || handle.ended || !folder) return;
    const settings = readSettings(folder.uri);
    if (event.affectsConfiguration('research.concurrency', folder.uri)) handle.setConcurrency(settings.concurrency);
    if (event.affectsConfiguration('research.taskTimeoutSeconds', folder.uri)) {
      handle.setTaskTimeout(settings.taskTimeoutMs);
      log.info(`task timeout is now ${settings.taskTimeoutMs / 1000} s for attempts that start from now on`);
    }
  });
}
