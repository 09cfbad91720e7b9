import * as vscode from 'vscode';
import { errorMessage } from '../core/errors';
import { EventBus, type RunOutcome } from '../core/events';
import { RunEndedError } from '../core/dispatcher';
import { RunNotReadyError } from '../core/run/live-run';
import type { RunHandle } from '../core/run/run-handle';
import { inspectRun, resumeRun, startRun, type InspectedRun } from '../core/run/run-service';
import type { RunViewSnapshot } from '../core/run-view';
import type { TaskSnapshot } from '../core/task';
import type { ProviderSettings } from '../providers/create-provider';
import { indexCacheDir } from '../providers/offline';
import { consentToResume } from './history/resume-consent';
import { pickRunToResume } from './history/resume-command';
import { logRunEvents } from './presenters/run-log';
import { showRunProgress } from './presenters/run-progress-notification';
import { providerFactoryFor, readProviderSettings } from './provider-for-run';
import { askForQuestion, folderForRun } from './run/ask-for-run';
import { RunPictureEmitter } from './run/run-picture-emitter';
import { showDocument, showReport } from './run/report-opener';
import { showRunError } from './run/run-errors';
import type { RunPicture, RunPictureSource } from './run/run-picture';
import { readSettings, type ResearchSettings } from './settings';
import { transportForRun } from './transport-for-run';
import type { RunManagerApi } from './webview/run-source';
import { watchFolderWithVscode, WorkspaceIndexRegistry } from './workspace-indexes';

export type { RunManagerApi };

/** What `research.start` and `research.resume` resolve to (undefined when nothing was started). */
export interface StartResult {
  runId: string;
  reportUri: vscode.Uri;
  outcome: RunOutcome;
}

/** What the run service needs of VS Code for one run, whether started or resumed. */
type RunSetUp = Pick<Parameters<typeof startRun>[0], 'root' | 'outputFolder' | 'createProvider' | 'openTransport' | 'bus'>;

/**
 * The VS Code controller of research runs, one at a time: it starts or resumes a run through the run
 * service (core/run), keeps its RunHandle, and forwards the commands (cancel, cancel or retry a task,
 * replan, live settings) to it. What people see is drawn by presenters that listen to its one change
 * event: the status bar and context keys (presenters/), the task tree, the progress panel.
 */
export class RunManager implements RunManagerApi, RunPictureSource, vscode.Disposable {
  private handle?: RunHandle;
  /** The error shown when the last Start or Resume could not start (tests cannot read notifications). */
  lastStartError?: string;
  private readonly changes = new RunPictureEmitter(() => this.picture);
  /** The run's picture, when it changed (coalesced): the tree and the progress panel draw it. */
  readonly onDidChange = this.changes.onDidChange;
  /** The picture and whether a run is going on, when either changed: the status bar and context keys. */
  readonly onDidChangePicture = this.changes.onDidChangePicture;
  private readonly disposables: vscode.Disposable[] = [];
  /** The workspace folders' offline corpora, kept across runs and followed by a file watcher. */
  private readonly indexes = new WorkspaceIndexRegistry({ cacheDir: indexCacheDir(process.env), watch: watchFolderWithVscode });

  constructor(
    private readonly log: vscode.LogOutputChannel,
    /** For the provider: keys from SecretStorage, consent to VS Code's language models. */
    private readonly context: vscode.ExtensionContext,
  ) {
    this.disposables.push(
      this.changes,
      vscode.workspace.onDidChangeConfiguration((e) => this.applySettings(e)),
      this.indexes,
      // The output folder is never searched: an index that skipped the old one is not the new one's.
      vscode.workspace.onDidChangeConfiguration((e) => e.affectsConfiguration('research.outputFolder') && this.indexes.clear()),
    );
  }

  get snapshot(): RunViewSnapshot | undefined {
    return this.handle?.view.snapshot();
  }

  get isRunning(): boolean {
    return this.handle !== undefined && !this.handle.ended;
  }

  get picture(): RunPicture {
    return { snapshot: this.snapshot, running: this.isRunning };
  }

  /** The dispatcher's full picture of a task (inputs, result, findings), for the task document. */
  taskDetails(taskId: string): TaskSnapshot | undefined {
    return this.handle?.task(taskId);
  }

  /** Results of a task's dependencies, for the task document's "Inputs". */
  inputsOf(taskId: string): TaskSnapshot[] {
    return this.handle?.inputsOf(taskId) ?? [];
  }

  /** "Research: Start": asks for the question (unless given; see askForQuestion) and runs it. */
  async start(argument?: unknown): Promise<StartResult | undefined> {
    const folder = await folderForRun('Research needs a folder: it reads the files of the open folder.');
    if (!folder || (await this.refuseWhileRunning())) return undefined;
    const asked = await askForQuestion(folder, argument);
    if (!asked) return undefined;
    const settings = readSettings(folder.uri);
    return this.launch(folder, settings, undefined, (setUp) =>
      startRun({
        ...setUp,
        question: asked.question,
        plan: asked.plan,
        limits: { concurrency: settings.concurrency, taskTimeoutMs: settings.taskTimeoutMs, maxRetries: settings.maxRetries },
      }),
    );
  }

  /**
   * "Research: Resume": continues an interrupted (or cancelled, partial, failed) run of the workspace
   * without redoing its finished tasks, with its own concurrency, timeout and retries. Only in a trusted
   * workspace, and with the provider the research.* settings choose now (the run's run.json is shown,
   * never obeyed: see consentToResume). Takes the run id (the history, the offer after a reload, tests)
   * or asks with a QuickPick of the runs that can be resumed; `confirmedTarget` is the provider the
   * person already accepted.
   */
  async resume(runIdArgument?: unknown, confirmedTarget?: string): Promise<StartResult | undefined> {
    const folder = await folderForRun('Research: open the folder whose run you want to resume.');
    if (!folder || (await this.refuseWhileRunning())) return undefined;
    const settings = readSettings(folder.uri);
    const runId = typeof runIdArgument === 'string' ? runIdArgument : await pickRunToResume(folder.uri.fsPath, settings.outputFolder);
    if (runId === undefined) return undefined;
    let inspected: InspectedRun;
    let providerSettings: ProviderSettings;
    try {
      // An unknown or malformed id, a damaged run.json or a provider setting that is not one is said at
      // once; so is a provider that would need a model nobody set (in consentToResume).
      inspected = inspectRun(folder.uri.fsPath, settings.outputFolder, runId);
      providerSettings = readProviderSettings(folder.uri);
      if (!(await consentToResume(inspected.recorded, providerSettings, confirmedTarget))) return undefined;
    } catch (error) {
      showRunError(error, this.log);
      return undefined;
    }
    return this.launch(folder, settings, providerSettings, (setUp) => resumeRun({ ...setUp, runId, inspected, onNotice: (m) => this.log.info(m) }));
  }

  cancelRun(): void {
    const handle = this.handle;
    if (!handle || handle.ended) return;
    this.log.info('cancel requested: stopping the run and writing a partial report');
    handle.cancel();
  }

  cancelTask(taskId: string): void {
    this.steer('cancel a task', (handle) => {
      const cancelled = handle.cancelTask(taskId);
      this.log.info(`cancelled ${cancelled.length ? cancelled.join(', ') : 'nothing'} (task "${taskId}" and what depends on it)`);
    }, `could not cancel task "${taskId}"`);
  }

  retryTask(taskId: string): void {
    this.steer('retry a task', (handle) => this.log.info(`queued again: ${handle.retryTask(taskId).join(', ')}`), `could not retry task "${taskId}"`);
  }

  /** Asks the provider for a new plan with the person's instruction; finished work is kept. */
  async replan(instruction: string): Promise<void> {
    const handle = this.liveHandle('replan');
    if (!handle) return;
    this.log.info(`replanning${instruction ? `: ${instruction}` : ''}`);
    try {
      const result = await handle.replan(instruction);
      const message = `Replanned: ${result.added.length} added, ${result.dropped.length} dropped, ${result.kept.length} kept.`;
      this.log.info(message);
      void vscode.window.showInformationMessage(`Research: ${message}`);
    } catch (error) {
      if (error instanceof RunNotReadyError) return void vscode.window.showInformationMessage(`Research: ${error.message}`);
      const message = handle.redact(errorMessage(error));
      this.log.error(`replan failed: ${message}`);
      void vscode.window.showErrorMessage(`Research: the replan failed and the run goes on with its plan: ${message}`);
    }
  }

  async openReport(): Promise<void> {
    const reportPath = this.snapshot?.reportPath;
    if (!reportPath) {
      void vscode.window.showInformationMessage('Research: there is no report yet; it is written when the run ends.');
      return;
    }
    await showDocument(vscode.Uri.file(reportPath));
  }

  dispose(): void {
    this.handle?.cancel();
    for (const d of this.disposables) d.dispose();
  }

  // ---------------------------------------------------------------- the run

  /** One run at a time (Start and Resume alike): says so, offering to show or cancel the one in progress. */
  private async refuseWhileRunning(): Promise<boolean> {
    if (!this.isRunning) return false;
    const choice = await vscode.window.showWarningMessage('A research run is already in progress.', 'Show It', 'Cancel It');
    if (choice === 'Cancel It') this.cancelRun();
    if (choice === 'Show It') await vscode.commands.executeCommand('research.tasks.focus');
    return true;
  }

  /**
   * The one path of every run, started or resumed: the run service gets VS Code's provider (keys from
   * SecretStorage, the folder's kept index, VS Code's language models) and transport (the workers'
   * Redis when research.redis.url is set); the views follow the handle; the report opens at the end.
   * A run that never started (no provider, no Redis) or had nothing to do leaves the views as they were.
   */
  private async launch(
    folder: vscode.WorkspaceFolder,
    settings: ResearchSettings,
    providerSettings: ProviderSettings | undefined,
    begin: (setUp: RunSetUp) => RunHandle,
  ): Promise<StartResult | undefined> {
    // Checked again: a run may have started while the question or the run to resume was being asked for.
    if (await this.refuseWhileRunning()) return undefined;
    const bus = new EventBus((error) => this.log.error(`a progress handler failed: ${this.handle?.redact(errorMessage(error)) ?? errorMessage(error)}`));
    logRunEvents(bus, this.log);
    const previous = this.handle;
    this.lastStartError = undefined;
    const handle = begin({
      root: folder.uri.fsPath,
      outputFolder: settings.outputFolder,
      createProvider: providerFactoryFor(this.context, folder, {
        outputFolder: settings.outputFolder,
        settings: providerSettings,
        indexes: this.indexes,
        onProvider: (provider, runId) => this.log.info(`research ${runId} over ${folder.uri.fsPath} with ${provider.label}`),
      }),
      openTransport: () => transportForRun(this.context, settings.redisUrl, this.log),
      bus,
    });
    this.follow(handle);
    this.log.info(`research ${handle.runId} ${handle.kind === 'resume' ? 'resumed' : 'started'}: ${handle.view.snapshot().question}`);
    try {
      const done = await showRunProgress(handle, () => this.cancelRun());
      if (done.kind === 'already-completed') {
        this.follow(previous);
        const reportUri = vscode.Uri.file(done.reportPath);
        await showDocument(reportUri).catch(() => undefined);
        void vscode.window.showInformationMessage(`Research: run ${done.runId} had already completed; its report is open.`);
        return { runId: done.runId, reportUri, outcome: 'completed' };
      }
      this.log.info(`research ${done.outcome}: ${done.reportPath}`);
      this.changes.flushNow();
      const reportUri = vscode.Uri.file(done.reportPath);
      await showReport(reportUri, this.log);
      if (done.outcome !== 'completed') {
        void vscode.window.showWarningMessage(`Research ${done.outcome === 'cancelled' ? 'was cancelled' : 'finished with gaps'}: the report says what is missing.`);
      }
      return { runId: done.runId, reportUri, outcome: done.outcome };
    } catch (error) {
      if (handle.started) {
        showRunError(error, this.log, (text) => handle.redact(text));
        this.changes.flushNow();
      } else {
        // A missing key, model or setting, or a Redis that does not answer: said before anything ran.
        this.follow(previous);
        this.lastStartError = `Research: ${handle.redact(errorMessage(error))}`;
        this.log.error(`research not started: ${handle.redact(errorMessage(error))}`);
        void vscode.window.showErrorMessage(this.lastStartError);
      }
      return undefined;
    }
  }

  /** The views follow this run (or, after a run that never started, the one they showed before). */
  private follow(handle: RunHandle | undefined): void {
    this.handle = handle;
    this.changes.follow(handle?.view);
  }

  /** Runs a gesture on the live run, saying plainly when there is none or it is still planning. */
  private steer(action: string, gesture: (handle: RunHandle) => void, failure: string): void {
    const handle = this.liveHandle(action);
    if (!handle) return;
    try {
      gesture(handle);
    } catch (error) {
      if (error instanceof RunNotReadyError) void vscode.window.showInformationMessage(`Research: ${error.message}`);
      else if (error instanceof RunEndedError) this.sayNoRun(action);
      else void vscode.window.showErrorMessage(`Research: ${failure}: ${errorMessage(error)}`);
    }
  }

  /** The run in progress, or undefined after telling the person there is none. */
  private liveHandle(action: string): RunHandle | undefined {
    if (this.handle && !this.handle.ended) return this.handle;
    this.sayNoRun(action);
    return undefined;
  }

  private sayNoRun(action: string): void {
    void vscode.window.showInformationMessage(`Research: no run is in progress, so there is nothing to ${action.replace(/^(\w+) a /, '$1 ')}.`);
  }

  /** Concurrency and timeout reach the run in progress at once; the rest apply to the next run. */
  private applySettings(event: vscode.ConfigurationChangeEvent): void {
    const handle = this.handle;
    const folder = vscode.workspace.workspaceFolders?.[0];
    if (!handle || handle.ended || !folder) return;
    const settings = readSettings(folder.uri);
    if (event.affectsConfiguration('research.concurrency', folder.uri)) handle.setConcurrency(settings.concurrency);
    if (event.affectsConfiguration('research.taskTimeoutSeconds', folder.uri)) {
      handle.setTaskTimeout(settings.taskTimeoutMs);
      this.log.info(`task timeout is now ${settings.taskTimeoutMs / 1000} s for attempts that start from now on`);
    }
  }
}
