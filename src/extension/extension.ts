import * as vscode from 'vscode';
import { StartCommand } from './start-command';
import { registerProgressPanel } from './webview/progress-panel';
import { createTemporaryRunSource } from './webview/temporary-run-source';

/** Thin adapter: commands and UI in, core calls out. Everything that thinks lives in src/core. */
export function activate(context: vscode.ExtensionContext): void {
  const log = vscode.window.createOutputChannel('Research Dispatcher', { log: true });
  const temporary = createTemporaryRunSource(); // TEMPORARY until RunManager lands
  const start = new StartCommand(log, temporary.observer);
  context.subscriptions.push(log, vscode.commands.registerCommand('research.start', (question?: unknown) => start.run(question)));
  context.subscriptions.push(registerProgressPanel(context, temporary.runs, log));
}

export function deactivate(): void {
  // Runs end with the extension host; nothing to flush yet.
}
