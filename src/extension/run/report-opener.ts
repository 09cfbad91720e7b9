import * as vscode from 'vscode';
import { errorMessage } from '../../core/errors';

export async function showDocument(uri: vscode.Uri): Promise<void> {
  const document = await vscode.workspace.openTextDocument(uri);
  await vscode.window.showTextDocument(document, { preview: false });
}

/**
 * Opens a finished run's report. Opening is a courtesy, not part of the run: VS Code refuses when
 * another editor opens at the same moment ("another editor opened in the meantime"), so it tries
 * once more, and then offers the report rather than calling a finished run failed.
 */
export async function showReport(uri: vscode.Uri, log: vscode.LogOutputChannel): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await showDocument(uri);
      return;
    } catch (error) {
      if (attempt < 2) {
        await new Promise((resolve) => setTimeout(resolve, 300));
        continue;
      }
      log.warn(`could not open the report ${uri.fsPath}: ${errorMessage(error)}`);
      // Not awaited: the run has ended, and the offer stays until the person answers it.
      void vscode.window.showInformationMessage(`Research: the report is written to ${uri.fsPath}.`, 'Open Report').then((choice) => {
        if (choice === 'Open Report') return showDocument(uri).catch(() => undefined);
        return undefined;
      });
      return;
    }
  }
}
