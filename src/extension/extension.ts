import * as vscode from 'vscode';
import { registerResearchParticipant } from './chat/register-participant';
import { ResearchTool, RESEARCH_TOOL } from './lm/research-tool';
import { copyMcpConfiguration } from './mcp-config';
import { printableLog } from './printable-log';
import { registerResearchUi, type ResearchTestApi } from './commands';
import { registerRunHistory } from './history/register';
import { RunContextKeys } from './presenters/run-context-keys';
import { RunStatusBar } from './presenters/run-status-bar';
import { RunManager } from './run-manager';
import { registerSecretCommands } from './secrets';
import { registerProgressPanel } from './webview/progress-panel';
import { registerWorkersView, type WorkersViewApi } from './workers-view';

/**
 * What the integration tests reach: the run manager, the task tree, the Workers view, the context
 * keys, and what people see only as a notification (the test seam; production code keeps no test hooks).
 */
export type ExtensionTestApi = ResearchTestApi & { workers: WorkersViewApi; contextKeys: RunContextKeys; seen: NotificationSeam; chat: vscode.ChatParticipant; tool: ResearchTool };

/** The last "could not start" error a notification showed, which tests cannot read from the workbench. */
export interface NotificationSeam {
  lastStartError?: string;
}

/** Thin adapter: commands and UI in, core calls out. Everything that thinks lives in src/core. */
export function activate(context: vscode.ExtensionContext): { api: ExtensionTestApi } {
  const log = printableLog(vscode.window.createOutputChannel('Research Dispatcher', { log: true }));
  const runs = new RunManager(log, context);
  const contextKeys = new RunContextKeys(runs);
  context.subscriptions.push(log, runs, new RunStatusBar(runs), contextKeys);
  const api = registerResearchUi(context, runs);
  context.subscriptions.push(registerProgressPanel(context, runs, log));
  registerSecretCommands(context);
  context.subscriptions.push(
    vscode.commands.registerCommand('research.copyMcpConfiguration', () => copyMcpConfiguration(context)),
  );
  registerRunHistory(context, log, runs);
  const workers = registerWorkersView(context);
  // The chat and the agent-mode tool start runs of their own, over the window's kept corpora.
  const elsewhere = { context, indexes: runs.indexes };
  const chat = registerResearchParticipant(elsewhere);
  const tool = new ResearchTool(elsewhere);
  context.subscriptions.push(chat, vscode.lm.registerTool(RESEARCH_TOOL, tool));
  const seen: NotificationSeam = {};
  context.subscriptions.push(runs.onDidFailToStart((message) => (seen.lastStartError = message)));
  // Returned for the integration tests only (the run manager and the views they check).
  return { api: { ...api, workers, contextKeys, seen, chat, tool } };
}

export function deactivate(): void {
  // The run manager is disposed with the context's subscriptions; it aborts a run in flight.
}
