import * as vscode from 'vscode';
import { errorMessage, UsageError } from '../core/errors';
import type { Dispatcher } from '../core/dispatcher';
import { EventBus, type RunOutcome } from '../core/events';
import { PlanValidationError } from '../core/plan';
import { validateQuestion } from '../core/question';
import { research } from '../core/research';
import { createOfflineProvider } from '../providers/offline';
import { readSettings } from './settings';

// TEMPORARY until RunManager lands: lets the progress panel's stand-in source follow the runs this
// command starts (src/extension/webview/temporary-run-source.ts).
export interface RunObserver {
  started(run: { bus: EventBus; question: string; root: string; providerLabel: string; concurrency: number; cancel(): void }): void;
  attached(dispatcher: Dispatcher): void;
  finished(reportPath: string): Promise<void>;
}

export interface StartResult {
  runId: string;
  reportUri: vscode.Uri;
  outcome: RunOutcome;
}

/**
 * "Research: Start". Takes the question as an argument (for tests and other extensions) or asks for
 * it, researches the first workspace folder, and opens the report. Resolves to the run's result, or
 * undefined when nothing was started (no folder, no question).
 */
export class StartCommand {
  private running?: AbortController;

  constructor(
    private readonly log: vscode.LogOutputChannel,
    private readonly observer?: RunObserver,
  ) {}

  async run(questionArgument?: unknown): Promise<StartResult | undefined> {
    const folder = vscode.workspace.workspaceFolders?.[0];
    if (!folder) {
      const choice = await vscode.window.showErrorMessage('Research needs a folder: it reads the files of the open folder.', 'Open Folder');
      if (choice === 'Open Folder') await vscode.commands.executeCommand('vscode.openFolder');
      return undefined;
    }
    if (this.running) {
      const choice = await vscode.window.showWarningMessage('A research run is already in progress.', 'Cancel It');
      if (choice === 'Cancel It') this.running.abort();
      return undefined;
    }
    const raw =
      typeof questionArgument === 'string'
        ? questionArgument
        : await vscode.window.showInputBox({
            title: 'Research: Start',
            prompt: `Ask a question about the files of ${folder.name}`,
            placeHolder: 'e.g. How are retries and timeouts handled?',
            ignoreFocusOut: true,
            validateInput: (value) => (value.trim() === '' ? 'Type what you want to find out.' : undefined),
          });
    if (raw === undefined) return undefined;
    let question: string;
    try {
      question = validateQuestion(raw);
    } catch (error) {
      void vscode.window.showErrorMessage(`Research: ${errorMessage(error)}`);
      return undefined;
    }

    const controller = new AbortController();
    this.running = controller;
    try {
      return await this.research(folder, question, controller);
    } finally {
      this.running = undefined;
    }
  }

  private async research(folder: vscode.WorkspaceFolder, question: string, controller: AbortController): Promise<StartResult | undefined> {
    const settings = readSettings(folder.uri);
    const bus = new EventBus((error) => this.log.error(`a progress handler failed: ${errorMessage(error)}`));
    bus.on('log', (e) => this.log[e.level](e.message));
    bus.on('task:state', (e) => this.log.info(`${e.taskId}: ${e.from} → ${e.to}${e.reason ? ` (${e.reason})` : ''}`));
    this.log.info(`research started over ${folder.uri.fsPath}: ${question}`);
    const provider = createOfflineProvider({ root: folder.uri.fsPath, outputFolder: settings.outputFolder });
    this.observer?.started({ bus, question, root: folder.uri.fsPath, providerLabel: provider.label, concurrency: settings.concurrency, cancel: () => controller.abort() });

    try {
      const result = await vscode.window.withProgress(
        { location: vscode.ProgressLocation.Notification, title: 'Research', cancellable: true },
        async (progress, token) => {
          token.onCancellationRequested(() => controller.abort());
          let total = 0;
          let settled = 0;
          bus.on('run:start', (e) => {
            total = e.plan.tasks.length;
            progress.report({ message: `${total} tasks planned` });
          });
          bus.on('task:state', (e) => {
            if (e.to !== 'COMPLETED' && e.to !== 'FAILED' && e.to !== 'CANCELLED') return;
            settled++;
            progress.report({ increment: total ? 100 / total : 0, message: `${settled}/${total} · ${e.taskId} ${e.to.toLowerCase()}` });
          });
          progress.report({ message: 'planning…' });
          return research({
            question,
            root: folder.uri.fsPath,
            provider,
            outputFolder: settings.outputFolder,
            concurrency: settings.concurrency,
            taskTimeoutMs: settings.taskTimeoutMs,
            retry: { maxRetries: settings.maxRetries },
            signal: controller.signal,
            bus,
            onDispatcher: (dispatcher) => this.observer?.attached(dispatcher),
          });
        },
      );
      this.log.info(`research ${result.outcome}: ${result.reportPath}`);
      await this.observer?.finished(result.reportPath);
      const reportUri = vscode.Uri.file(result.reportPath);
      const document = await vscode.workspace.openTextDocument(reportUri);
      await vscode.window.showTextDocument(document, { preview: false });
      if (result.outcome !== 'completed') {
        void vscode.window.showWarningMessage(`Research ${result.outcome === 'cancelled' ? 'was cancelled' : 'finished with gaps'}: the report says what is missing.`);
      }
      return { runId: result.runId, reportUri, outcome: result.outcome };
    } catch (error) {
      const message = errorMessage(error);
      this.log.error(`research failed: ${message}`);
      const prefix = error instanceof UsageError || error instanceof PlanValidationError ? 'Research' : 'Research failed';
      void vscode.window.showErrorMessage(`${prefix}: ${message}`);
      return undefined;
    }
  }
}
