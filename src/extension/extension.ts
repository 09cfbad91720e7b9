import * as vscode from 'vscode';
import { registerSecretCommands } from './secrets';
import { registerRunHistory } from './history/register';
import { StartCommand } from './start-command';

/** Thin adapter: commands and UI in, core calls out. Everything that thinks lives in src/core. */
export function activate(context: vscode.ExtensionContext): void {
  const log = vscode.window.createOutputChannel('Research Dispatcher', { log: true });
  const start = new StartCommand(log);
  context.subscriptions.push(log, vscode.commands.registerCommand('research.start', (question?: unknown) => start.run(question)));
  registerSecretCommands(context);
  registerRunHistory(context, log);
}

export function deactivate(): void {
  // Runs end with the extension host; nothing to flush yet.
}
