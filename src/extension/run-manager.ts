import { readFile } from 'node:fs/promises';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { Dispatcher } from '../core/dispatcher';
import { errorMessage, UsageError } from '../core/errors';
import { EventBus, type RunOutcome } from '../core/events';
import type { OpenTransport } from '../core/executor';
import { DEFAULT_MAX_TASKS, PlanValidationError } from '../core/plan';
import type { ResearchProvider } from '../core/provider';
import { validateQuestion } from '../core/question';
import { research, type ResearchResult } from '../core/research';
import { findRunDir, listRuns } from '../core/journal/history';
import { readRunMeta } from '../core/journal/run-meta';
import { resumeResearch, RunAlreadyCompletedError } from '../core/resume';
import { newRunId } from '../core/run-id';
import type { RunViewSnapshot } from '../core/run-view';
import { RunViewModel } from '../core/run-view-model';
import type { TaskSnapshot } from '../core/task';
import { isTerminal } from '../core/task-state';
import type { ProviderSettings } from '../providers/create-provider';
import { consentToResume } from './history/resume-consent';
import { pickRunToResume } from './history/resume-command';
import { createProviderForRun, readProviderSettings } from './provider-for-run';
import { watchFolderWithVscode, WorkspaceIndexRegistry } from './workspace-indexes';
import { indexCacheDir } from '../providers/offline';
import { readSettings, type ResearchSettings } from './settings';
import { transportForRun } from './transport-for-run';

import type { RunManagerApi } from './webview/run-source';

/** What the views (task tree, progress webview, status bar) use of the run manager. */
export type { RunManagerApi };

/** What `research.start` and `research.resume` resolve to (undefined when nothing was started). */
export interface StartResult {
  runId: string;
  reportUri: vscode.Uri;
  outcome: RunOutcome;
}

/** What differs between starting a run and resuming one; everything else is the same path. */
interface Launch {
  readonly folder: vscode.WorkspaceFolder;
  readonly settings: ResearchSettings;
  readonly runId: string;
  readonly runDir: string;
  readonly question: string;
  /** The concurrency the run starts with (a resumed run keeps its own unless told otherwise). */
  readonly concurrency: number;
  readonly kind: 'start' | 'resume';
  /** Resume: the research.* settings read when the person consented to them; start: undefined (read at launch). */
  readonly providerSettings?: ProviderSettings;
  /**
   * Runs the research with the shared machinery: research() or resumeResearch(). `transport` is set
   * when the tasks run on workers (research.redis.url), undefined when they run here.
   */
  go(hooks: {
    provider: ResearchProvider;
    bus: EventBus;
    signal: AbortSignal;
    onDispatcher: (dispatcher: Dispatcher) => void;
    transport: OpenTransport | undefined;
  }): Promise<ResearchResult>;
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
  /** True while a run's provider is being built: a second Start or Resume must not slip in. */
  private preparing = false;
  /** The error shown when the last Start or Resume could not build its provider (tests cannot read notifications). */
  lastStartError?: string;
  private readonly changeEmitter = new vscode.EventEmitter<RunViewSnapshot>();
  readonly onDidChange = this.changeEmitter.event;
  private readonly statusBar: vscode.StatusBarItem;
  private readonly disposables: vscode.Disposable[] = [];
  private flushTimer?: NodeJS.Timeout;
  private lastFlushAt = 0;
  private lastFiredVersion = -1;
  private readonly contextKeys = new Map<string, boolean>();
  /** The workspace folders' offline corpora, kept across runs and followed by a file watcher. */
  private readonly indexes = new WorkspaceIndexRegistry({ cacheDir: indexCacheDir(process.env), watch: watchFolderWithVscode });

  constructor(
    private readonly log: vscode.LogOutputChannel,
    /** For the provider: keys from SecretStorage, consent to VS Code's language models. */
    private readonly context: vscode.ExtensionContext,
  ) {
    this.statusBar = vscode.window.createStatusBarItem('research.status', vscode.StatusBarAlignment.Left, 50);
    this.statusBar.name = 'Research';
    this.statusBar.command = 'research.showProgress';
    this.disposables.push(
      this.statusBar,
      this.changeEmitter,
      vscode.workspace.onDidChangeConfiguration((e) => this.applySettings(e)),
      this.indexes,
      // The output folder is never searched: an index that skipped the old one is not the new one's.
      vscode.workspace.onDidChangeConfiguration((e) => e.affectsConfiguration('research.outputFolder') && this.indexes.clear()),
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
    return this.preparing || (this.run !== undefined && !this.run.ended);
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
    const folder = await this.folderForRun('Research needs a folder: it reads the files of the open folder.');
    if (!folder || (await this.refuseWhileRunning())) return undefined;
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
    const settings = readSettings(folder.uri);
    const runId = newRunId();
    return this.launch({
      folder,
      settings,
      runId,
      runDir: path.join(folder.uri.fsPath, settings.outputFolder, runId),
      question,
      concurrency: settings.concurrency,
      kind: 'start',
      go: ({ provider, bus, signal, onDispatcher, transport }) =>
        research({
          question,
          plan,
          runId,
          root: folder.uri.fsPath,
          provider,
          outputFolder: settings.outputFolder,
          concurrency: settings.concurrency,
          taskTimeoutMs: settings.taskTimeoutMs,
          retry: { maxRetries: settings.maxRetries },
          signal,
          bus,
          onDispatcher,
          transport,
        }),
    });
  }

  /**
   * "Research: Resume": continues an interrupted (or cancelled, partial, failed) run of the workspace
   * without redoing its finished tasks, with its own concurrency, timeout and retries. Only in a trusted
   * workspace, and with the provider the research.* settings choose now (the run's run.json is shown,
   * never obeyed: see consentToResume). Takes the run id (the history, the offer after a reload, tests)
   * or asks with a QuickPick of the runs that can be resumed; `confirmedTarget` is the provider the
   * person already accepted. The resumed run is shown like a new one: tree, progress panel, status
   * bar, Cancel and Replan.
   */
  async resume(runIdArgument?: unknown, confirmedTarget?: string): Promise<StartResult | undefined> {
    const folder = await this.folderForRun('Research: open the folder whose run you want to resume.');
    if (!folder || (await this.refuseWhileRunning())) return undefined;
    const settings = readSettings(folder.uri);
    const root = folder.uri.fsPath;
    const runId = typeof runIdArgument === 'string' ? runIdArgument : await pickRunToResume(root, settings.outputFolder);
    if (runId === undefined) return undefined;
    let runDir: string;
    let providerSettings: ProviderSettings;
    let recorded: ReturnType<typeof readRunMeta>;
    try {
      // An unknown or malformed id, or a damaged run.json, is said at once, without a progress notification first.
      runDir = findRunDir(root, settings.outputFolder, runId);
      recorded = readRunMeta(runDir);
      providerSettings = readProviderSettings(folder.uri);
    } catch (error) {
      this.showError(error);
      return undefined;
    }
    try {
      if (!(await consentToResume(recorded, providerSettings, confirmedTarget))) return undefined;
    } catch (error) {
      this.showError(error); // e.g. research.provider is openai but no model is set
      return undefined;
    }
    const question = recorded?.question ?? listRuns(root, settings.outputFolder).find((r) => r.runId === runId)?.question ?? '';
    return this.launch({
      folder,
      settings,
      runId,
      runDir,
      question,
      concurrency: recorded?.options.concurrency ?? settings.concurrency,
      providerSettings,
      kind: 'resume',
      go: ({ provider, bus, signal, onDispatcher, transport }) =>
        resumeResearch({ runId, root, provider, outputFolder: settings.outputFolder, bus, signal, onDispatcher, transport, onNotice: (m) => this.log.info(m) }),
    });
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
      const message = redactedMessage(error, run.provider);
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

  /** The open folder, or undefined after offering to open one. */
  private async folderForRun(message: string): Promise<vscode.WorkspaceFolder | undefined> {
    const folder = vscode.workspace.workspaceFolders?.[0];
    if (folder) return folder;
    const choice = await vscode.window.showErrorMessage(message, 'Open Folder');
    if (choice === 'Open Folder') await vscode.commands.executeCommand('vscode.openFolder');
    return undefined;
  }

  /** One run at a time (Start and Resume alike): says so, offering to show or cancel the one in progress. */
  private async refuseWhileRunning(): Promise<boolean> {
    if (!this.isRunning) return false;
    const choice = await vscode.window.showWarningMessage('A research run is already in progress.', 'Show It', 'Cancel It');
    if (choice === 'Cancel It') this.cancelRun();
    if (choice === 'Show It') await vscode.commands.executeCommand('research.tasks.focus');
    return true;
  }

  /**
   * The one path of every run, started or resumed: check the workers' Redis when research.redis.url is
   * set, build the provider (a missing key, model or setting, or a Redis that does not answer, is said
   * before anything starts), then the event bus into the RunViewModel and the log, the views,
   * the progress notification, the report opened at the end, errors shown, the provider disposed.
   */
  private async launch(launch: Launch): Promise<StartResult | undefined> {
    const { folder, settings, runId } = launch;
    // Checked again: a run may have started while the question or the run to resume was being asked for.
    if (await this.refuseWhileRunning()) return undefined;
    let provider: ResearchProvider;
    let transport: OpenTransport | undefined;
    this.preparing = true;
    this.lastStartError = undefined;
    try {
      transport = await transportForRun(this.context, settings.redisUrl, this.log);
      provider = await createProviderForRun(this.context, folder.uri, {
        outputFolder: settings.outputFolder,
        runDir: launch.runDir,
        settings: launch.providerSettings,
        workspaceIndex: (chosen) => ((chosen.search?.backend ?? 'workspace') === 'workspace' ? this.indexes.indexFor(folder.uri.fsPath, settings.outputFolder) : undefined),
      });
    } catch (error) {
      this.lastStartError = `Research: ${errorMessage(error)}`;
      this.log.error(`research not started: ${errorMessage(error)}`);
      void vscode.window.showErrorMessage(this.lastStartError);
      return undefined;
    } finally {
      this.preparing = false;
    }
    const previous = this.run;
    const model = new RunViewModel({ runId, question: launch.question, root: folder.uri.fsPath, providerLabel: provider.label, concurrency: launch.concurrency });
    const run: Run = { model, controller: new AbortController(), folder, provider, ended: false };
    this.run = run;
    const bus = new EventBus((error) => this.log.error(`a progress handler failed: ${redactedMessage(error, provider)}`));
    // The views and the output channel see every event without the run's keys (research() sets it too).
    bus.redactWith(provider.redactor);
    model.attach(bus);
    this.logEvents(bus);
    model.onChange(() => this.scheduleFlush());
    this.flush();
    this.log.info(`research ${runId} ${launch.kind === 'resume' ? 'resumed' : 'started'} over ${folder.uri.fsPath} with ${provider.label}: ${launch.question}`);

    try {
      const result = await vscode.window.withProgress(
        { location: vscode.ProgressLocation.Notification, title: launch.kind === 'resume' ? 'Research (resumed)' : 'Research', cancellable: true },
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
          progress.report({ message: launch.kind === 'resume' ? 'resuming…' : 'planning…' });
          try {
            return await launch.go({ provider, bus, signal: run.controller.signal, onDispatcher: (dispatcher) => (run.dispatcher = dispatcher), transport });
          } finally {
            listener.dispose();
          }
        },
      );
      this.log.info(`research ${result.outcome}: ${result.reportPath}`);
      const reportUri = vscode.Uri.file(result.reportPath);
      model.setReport(result.reportPath, await readFile(result.reportPath, 'utf8'));
      this.endRun(run);
      await this.showReport(reportUri);
      if (result.outcome !== 'completed') {
        void vscode.window.showWarningMessage(`Research ${result.outcome === 'cancelled' ? 'was cancelled' : 'finished with gaps'}: the report says what is missing.`);
      }
      return { runId: result.runId, reportUri, outcome: result.outcome };
    } catch (error) {
      if (error instanceof RunAlreadyCompletedError) {
        // Nothing ran: the views go back to what they showed, and the finished run's report opens.
        this.endRun(run);
        this.run = previous;
        this.flush();
        const reportUri = vscode.Uri.file(error.reportPath);
        await showDocument(reportUri).catch(() => undefined);
        void vscode.window.showInformationMessage(`Research: run ${error.runId} had already completed; its report is open.`);
        return { runId: error.runId, reportUri, outcome: 'completed' };
      }
      model.addNotice('error', redactedMessage(error, provider));
      if (model.status !== 'ended') model.end(run.controller.signal.aborted ? 'cancelled' : 'failed');
      this.endRun(run);
      this.showError(error, provider);
      return undefined;
    }
  }

  /**
   * Opens the finished run's report. Opening is a courtesy, not part of the run: VS Code refuses when
   * another editor opens at the same moment ("another editor opened in the meantime"), so it tries
   * once more, and then offers the report rather than calling a finished run failed.
   */
  private async showReport(uri: vscode.Uri): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        await showDocument(uri);
        return;
      } catch (error) {
        if (attempt < 2) {
          await new Promise((resolve) => setTimeout(resolve, 300));
          continue;
        }
        this.log.warn(`could not open the report ${uri.fsPath}: ${errorMessage(error)}`);
        // Not awaited: the run has ended, and the offer stays until the person answers it.
        void vscode.window.showInformationMessage(`Research: the report is written to ${uri.fsPath}.`, 'Open Report').then((choice) => {
          if (choice === 'Open Report') return showDocument(uri).catch(() => undefined);
          return undefined;
        });
        return;
      }
    }
  }

  /** Usage errors say what to fix; others are failures. `provider`: the run's, whose keys are redacted. */
  private showError(error: unknown, provider?: ResearchProvider): void {
    const message = redactedMessage(error, provider);
    this.log.error(`research failed: ${message}`);
    const prefix = isUsageError(error) || error instanceof PlanValidationError ? 'Research' : 'Research failed';
    void vscode.window.showErrorMessage(`${prefix}: ${message}`);
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

/**
 * By name as well as by class: errors of the transport come from dist/distributed.js, which bundles
 * its own copy of the error classes.
 */
function isUsageError(error: unknown): boolean {
  return error instanceof UsageError || (error instanceof Error && error.name === 'UsageError');
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

async function showDocument(uri: vscode.Uri): Promise<void> {
  const document = await vscode.workspace.openTextDocument(uri);
  await vscode.window.showTextDocument(document, { preview: false });
}

/** An error's message without the run's keys (a server may have echoed one into it). */
function redactedMessage(error: unknown, provider: ResearchProvider | undefined): string {
  const message = errorMessage(error);
  return provider?.redactor ? provider.redactor.text(message) : message;
}
