import { readFile } from 'node:fs/promises';
import * as vscode from 'vscode';
import type { Dispatcher } from '../core/dispatcher';
import { errorMessage, UsageError } from '../core/errors';
import { EventBus, type RunOutcome } from '../core/events';
import { DEFAULT_MAX_TASKS, PlanValidationError } from '../core/plan';
import type { ResearchProvider } from '../core/provider';
import { validateQuestion } from '../core/question';
import { research } from '../core/research';
import { newRunId } from '../core/run-id';
import type { RunViewSnapshot } from '../core/run-view';
import { RunViewModel } from '../core/run-view-model';
import type { TaskSnapshot } from '../core/task';
import { isTerminal } from '../core/task-state';
import { createOfflineProvider } from '../providers/offline';
import { readSettings, type ResearchSettings } from './settings';

/** What the views (task tree, progress webview, status bar) use of the run manager. */
export interface RunManagerApi {
  /** The current or most recent run's picture; undefined before any run this session. */
  readonly snapshot: RunViewSnapshot | undefined;
  /** Fires (coalesced, at most ~10 times/s) with the new snapshot whenever it changes. */
  readonly onDidChange: vscode.Event<RunViewSnapshot>;
  cancelRun(): void;
  cancelTask(taskId: string): void;
  retryTask(taskId: string): void;
  replan(instruction: string): Promise<void>;
  openReport(): Promise<void>;
}

/** What `research.start` resolves to (undefined when nothing was started). */
export interface StartResult {
  runId: string;
  reportUri: vscode.Uri;
  outcome: RunOutcome;
}

/** How often, at most, views hear of changes: 10 times a second keeps a 500-task run smooth. */
export const CHANGE_INTERVAL_MS = 100;

/** The run in flight (or the last one, once ended). */
interface Run {
  readonly model: RunViewModel;
  readonly controller: AbortController;
  readonly folder: vscode.WorkspaceFolder;
  readonly provider: ResearchProvider;
  dispatcher?: Dispatcher;
  ended: boolean;
}

/**
 * Owns the single active research run: its AbortController, its Dispatcher (cancel a task, retry,
 * replan, live settings), the event bus that feeds the RunViewModel and the log, the context keys
 * that show and hide commands, the status-bar item and the progress notification.
 */
export class RunManager implements RunManagerApi, vscode.Disposable {
  private run?: Run;
  private readonly changeEmitter = new vscode.EventEmitter<RunViewSnapshot>();
  readonly onDidChange = this.changeEmitter.event;
  private readonly statusBar: vscode.StatusBarItem;
  private readonly disposables: vscode.Disposable[] = [];
  private flushTimer?: NodeJS.Timeout;
  private lastFlushAt = 0;
  private lastFiredVersion = -1;
  private readonly contextKeys = new Map<string, boolean>();

  constructor(private readonly log: vscode.LogOutputChannel) {
    this.statusBar = vscode.window.createStatusBarItem('research.status', vscode.StatusBarAlignment.Left, 50);
    this.statusBar.name = 'Research';
    this.statusBar.command = 'research.showProgress';
    this.disposables.push(
      this.statusBar,
      this.changeEmitter,
      vscode.workspace.onDidChangeConfiguration((e) => this.applySettings(e)),
    );
    this.updateContext(undefined);
  }

  get snapshot(): RunViewSnapshot | undefined {
    return this.run?.model.snapshot();
  }

  /** The context keys as last set (for tests: VS Code has no API to read them back). */
  contextValues(): Record<string, boolean> {
    return Object.fromEntries(this.contextKeys);
  }

  get isRunning(): boolean {
    return this.run !== undefined && !this.run.ended;
  }

  /** The dispatcher's full picture of a task (inputs, result, findings), for the task document. */
  taskDetails(taskId: string): TaskSnapshot | undefined {
    return this.run?.dispatcher?.task(taskId);
  }

  /** Results of a task's dependencies, by id, for the task document's "Inputs". */
  inputsOf(taskId: string): TaskSnapshot[] {
    const dispatcher = this.run?.dispatcher;
    const task = dispatcher?.task(taskId);
    if (!dispatcher || !task) return [];
    return task.spec.dependsOn.map((id) => dispatcher.task(id)).filter((t): t is TaskSnapshot => t !== undefined);
  }

  /**
   * "Research: Start". `argument` may be the question (a string) or, for tests and automation,
   * `{ question?, plan? }` where `plan` is a plan as `--plan` takes it (its question is used when
   * none is given). Without an argument, asks for the question.
   */
  async start(argument?: unknown): Promise<StartResult | undefined> {
    const folder = vscode.workspace.workspaceFolders?.[0];
    if (!folder) {
      const choice = await vscode.window.showErrorMessage('Research needs a folder: it reads the files of the open folder.', 'Open Folder');
      if (choice === 'Open Folder') await vscode.commands.executeCommand('vscode.openFolder');
      return undefined;
    }
    if (this.isRunning) {
      const choice = await vscode.window.showWarningMessage('A research run is already in progress.', 'Show It', 'Cancel It');
      if (choice === 'Cancel It') this.cancelRun();
      if (choice === 'Show It') await vscode.commands.executeCommand('research.tasks.focus');
      return undefined;
    }
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
    let question: string;
    try {
      question = validateQuestion(raw);
    } catch (error) {
      void vscode.window.showErrorMessage(`Research: ${errorMessage(error)}`);
      return undefined;
    }
    return this.research(folder, question, plan);
  }

  cancelRun(): void {
    const run = this.run;
    if (!run || run.ended) return;
    this.log.info('cancel requested: stopping the run and writing a partial report');
    run.model.setStatus('cancelling');
    run.controller.abort();
  }

  cancelTask(taskId: string): void {
    const dispatcher = this.liveDispatcher('cancel a task');
    if (!dispatcher) return;
    try {
      const cancelled = dispatcher.cancelTask(taskId);
      this.log.info(`cancelled ${cancelled.length ? cancelled.join(', ') : 'nothing'} (task "${taskId}" and what depends on it)`);
    } catch (error) {
      void vscode.window.showErrorMessage(`Research: could not cancel task "${taskId}": ${errorMessage(error)}`);
    }
  }

  retryTask(taskId: string): void {
    const dispatcher = this.liveDispatcher('retry a task');
    if (!dispatcher) return;
    try {
      const queued = dispatcher.retryTask(taskId);
      this.log.info(`queued again: ${queued.join(', ')}`);
    } catch (error) {
      void vscode.window.showErrorMessage(`Research: could not retry task "${taskId}": ${errorMessage(error)}`);
    }
  }

  /** Asks the provider for a new plan with the person's instruction; finished work is kept. */
  async replan(instruction: string): Promise<void> {
    const run = this.run;
    const dispatcher = this.liveDispatcher('replan');
    if (!run || !dispatcher) return;
    run.model.setStatus('replanning');
    this.log.info(`replanning${instruction ? `: ${instruction}` : ''}`);
    try {
      const result = await dispatcher.replan((tasks) =>
        run.provider.replan(
          { question: dispatcher.plan().question, tasks, instruction },
          { signal: run.controller.signal, maxTasks: DEFAULT_MAX_TASKS },
        ),
      );
      const message = `Replanned: ${result.added.length} added, ${result.dropped.length} dropped, ${result.kept.length} kept.`;
      this.log.info(message);
      void vscode.window.showInformationMessage(`Research: ${message}`);
    } catch (error) {
      const message = errorMessage(error);
      this.log.error(`replan failed: ${message}`);
      run.model.addNotice('error', `Replan failed: ${message}`);
      void vscode.window.showErrorMessage(`Research: the replan failed and the run goes on with its plan: ${message}`);
    } finally {
      if (run.model.status === 'replanning') run.model.setStatus('running');
    }
  }

  async openReport(): Promise<void> {
    const reportPath = this.snapshot?.reportPath;
    if (!reportPath) {
      void vscode.window.showInformationMessage('Research: there is no report yet; it is written when the run ends.');
      return;
    }
    const document = await vscode.workspace.openTextDocument(vscode.Uri.file(reportPath));
    await vscode.window.showTextDocument(document, { preview: false });
  }

  dispose(): void {
    if (this.flushTimer) clearTimeout(this.flushTimer);
    this.run?.controller.abort();
    for (const d of this.disposables) d.dispose();
  }

  // ---------------------------------------------------------------- the run

  private async research(folder: vscode.WorkspaceFolder, question: string, plan: unknown): Promise<StartResult | undefined> {
    const settings = readSettings(folder.uri);
    let provider: ResearchProvider;
    try {
      provider = createProvider(settings, folder);
    } catch (error) {
      void vscode.window.showErrorMessage(`Research: ${errorMessage(error)}`);
      return undefined;
    }
    const runId = newRunId();
    const model = new RunViewModel({ runId, question, root: folder.uri.fsPath, providerLabel: provider.label, concurrency: settings.concurrency });
    const run: Run = { model, controller: new AbortController(), folder, provider, ended: false };
    this.run = run;
    const bus = new EventBus((error) => this.log.error(`a progress handler failed: ${errorMessage(error)}`));
    model.attach(bus);
    this.logEvents(bus);
    model.onChange(() => this.scheduleFlush());
    this.flush();
    this.log.info(`research ${runId} started over ${folder.uri.fsPath} with ${provider.label}: ${question}`);

    try {
      const result = await vscode.window.withProgress(
        { location: vscode.ProgressLocation.Notification, title: 'Research', cancellable: true },
        async (progress, token) => {
          token.onCancellationRequested(() => this.cancelRun());
          let settled = 0;
          const listener = model.onChange(() => {
            const snap = model.snapshot();
            const done = snap.counts.COMPLETED + snap.counts.FAILED + snap.counts.CANCELLED;
            if (done === settled || snap.tasks.length === 0) return;
            progress.report({ increment: ((done - settled) * 100) / snap.tasks.length, message: `${done}/${snap.tasks.length} tasks done` });
            settled = done;
          });
          progress.report({ message: 'planning…' });
          try {
            return await research({
              question,
              plan,
              runId,
              root: folder.uri.fsPath,
              provider,
              outputFolder: settings.outputFolder,
              concurrency: settings.concurrency,
              taskTimeoutMs: settings.taskTimeoutMs,
              retry: { maxRetries: settings.maxRetries },
              signal: run.controller.signal,
              bus,
              onDispatcher: (dispatcher) => (run.dispatcher = dispatcher),
            });
          } finally {
            listener.dispose();
          }
        },
      );
      this.log.info(`research ${result.outcome}: ${result.reportPath}`);
      const reportUri = vscode.Uri.file(result.reportPath);
      model.setReport(result.reportPath, await readFile(result.reportPath, 'utf8'));
      this.endRun(run);
      const document = await vscode.workspace.openTextDocument(reportUri);
      await vscode.window.showTextDocument(document, { preview: false });
      if (result.outcome !== 'completed') {
        void vscode.window.showWarningMessage(`Research ${result.outcome === 'cancelled' ? 'was cancelled' : 'finished with gaps'}: the report says what is missing.`);
      }
      return { runId: result.runId, reportUri, outcome: result.outcome };
    } catch (error) {
      const message = errorMessage(error);
      this.log.error(`research failed: ${message}`);
      model.addNotice('error', message);
      if (model.status !== 'ended') model.end(run.controller.signal.aborted ? 'cancelled' : 'failed');
      this.endRun(run);
      const prefix = error instanceof UsageError || error instanceof PlanValidationError ? 'Research' : 'Research failed';
      void vscode.window.showErrorMessage(`${prefix}: ${message}`);
      return undefined;
    }
  }

  private endRun(run: Run): void {
    run.ended = true;
    run.provider.dispose?.();
    this.flush();
  }

  /** The dispatcher of the run in flight, or undefined after telling the person why there is none. */
  private liveDispatcher(action: string): Dispatcher | undefined {
    const run = this.run;
    if (!run || run.ended || run.dispatcher?.isEnded) {
      void vscode.window.showInformationMessage(`Research: no run is in progress, so there is nothing to ${action.replace(/^(\w+) a /, '$1 ')}.`);
      return undefined;
    }
    if (!run.dispatcher) {
      void vscode.window.showInformationMessage(`Research: the run is still planning; try to ${action} once its tasks are listed.`);
      return undefined;
    }
    return run.dispatcher;
  }

  private logEvents(bus: EventBus): void {
    bus.on('log', (e) => this.log[e.level](e.message));
    bus.on('task:state', (e) => this.log.info(`${e.taskId}: ${e.from} → ${e.to}${e.reason ? ` (${e.reason})` : ''}`));
    bus.on('task:retry', (e) => this.log.warn(`${e.taskId}: attempt ${e.attempt} failed (${e.error}); retrying in ${e.delayMs} ms`));
    bus.on('run:replan', (e) => this.log.info(`replan: added ${e.added.join(', ') || 'none'}; dropped ${e.dropped.join(', ') || 'none'}`));
    bus.on('run:concurrency', (e) => this.log.info(`concurrency is now ${e.concurrency}`));
    bus.on('run:end', (e) => this.log.info(`run ${e.runId} ended: ${e.outcome}`));
  }

  /** Concurrency and timeout reach the running dispatcher at once; the rest apply to the next run. */
  private applySettings(event: vscode.ConfigurationChangeEvent): void {
    const run = this.run;
    if (!run || run.ended || !run.dispatcher) return;
    const settings = readSettings(run.folder.uri);
    if (event.affectsConfiguration('research.concurrency', run.folder.uri)) run.dispatcher.setConcurrency(settings.concurrency);
    if (event.affectsConfiguration('research.taskTimeoutSeconds', run.folder.uri)) {
      run.dispatcher.setTaskTimeout(settings.taskTimeoutMs);
      this.log.info(`task timeout is now ${settings.taskTimeoutMs / 1000} s for attempts that start from now on`);
    }
  }

  // ---------------------------------------------------------------- views

  /** Coalesces changes: views hear at most one per CHANGE_INTERVAL_MS. */
  private scheduleFlush(): void {
    if (this.flushTimer) return;
    const wait = Math.max(0, this.lastFlushAt + CHANGE_INTERVAL_MS - Date.now());
    this.flushTimer = setTimeout(() => this.flush(), wait);
  }

  private flush(): void {
    if (this.flushTimer) clearTimeout(this.flushTimer);
    this.flushTimer = undefined;
    this.lastFlushAt = Date.now();
    const snapshot = this.snapshot;
    this.updateContext(snapshot);
    this.updateStatusBar(snapshot);
    if (snapshot && snapshot.version !== this.lastFiredVersion) {
      this.lastFiredVersion = snapshot.version;
      this.changeEmitter.fire(snapshot);
    }
  }

  private updateContext(snapshot: RunViewSnapshot | undefined): void {
    const running = this.isRunning;
    const live = running && snapshot?.status === 'running';
    const open = snapshot?.tasks.some((t) => !isTerminal(t.state)) ?? false;
    const retryable = (snapshot?.counts.FAILED ?? 0) + (snapshot?.counts.CANCELLED ?? 0) > 0;
    this.setContext('research.hasRun', snapshot !== undefined);
    this.setContext('research.running', running);
    this.setContext('research.canReplan', live);
    this.setContext('research.hasCancellableTasks', live && open);
    this.setContext('research.hasRetryableTasks', live && retryable);
    this.setContext('research.hasReport', snapshot?.reportPath !== undefined);
  }

  private setContext(key: string, value: boolean): void {
    if (this.contextKeys.get(key) === value) return;
    this.contextKeys.set(key, value);
    void vscode.commands.executeCommand('setContext', key, value);
  }

  private updateStatusBar(snapshot: RunViewSnapshot | undefined): void {
    if (!snapshot || !this.isRunning) {
      this.statusBar.hide();
      return;
    }
    const done = snapshot.counts.COMPLETED + snapshot.counts.FAILED + snapshot.counts.CANCELLED;
    const label =
      snapshot.status === 'planning' ? 'planning…' : snapshot.status === 'replanning' ? 'replanning…' : snapshot.status === 'cancelling' ? 'cancelling…' : `${done}/${snapshot.tasks.length}`;
    this.statusBar.text = `$(sync~spin) Research ${label}`;
    const tooltip = new vscode.MarkdownString(undefined, true);
    tooltip.appendText(snapshot.question);
    tooltip.appendMarkdown(
      `\n\n${snapshot.counts.RUNNING} running · ${snapshot.counts.COMPLETED} completed · ${snapshot.counts.FAILED} failed · ${snapshot.counts.CANCELLED} cancelled\n\nClick to show the progress.`,
    );
    this.statusBar.tooltip = tooltip;
    this.statusBar.show();
  }
}

/** Who does the work, from the `research.provider` setting. */
function createProvider(settings: ResearchSettings, folder: vscode.WorkspaceFolder): ResearchProvider {
  switch (settings.provider) {
    case 'offline':
      return createOfflineProvider({ root: folder.uri.fsPath, outputFolder: settings.outputFolder });
    default:
      throw new UsageError(`the provider "${settings.provider}" (setting research.provider) is not available; use "offline"`);
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
