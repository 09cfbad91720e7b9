import * as vscode from 'vscode';
import { errorMessage } from '../core/errors';
import { EventBus } from '../core/events';
import type { PlanReview } from '../core/run/plan-review';
import type { RunHandle } from '../core/run/run-handle';
import { resumeRun, startRun } from '../core/run/run-service';
import type { RunViewSnapshot } from '../core/run-view';
import type { TaskSnapshot } from '../core/task';
import type { ProviderSettings } from '../providers/create-provider';
import { indexCacheDir } from '../providers/offline';
import { chooseFollowUp } from './history/follow-up-command';
import { chooseRunToResume } from './history/resume-command';
import { logRunEvents } from './presenters/run-log';
import { showRunProgress } from './presenters/run-progress-notification';
import { providerFactoryFor } from './provider-for-run';
import { askForQuestion, folderForRun } from './run/ask-for-run';
import { followLiveSettings } from './run/live-settings';
import { RunGestures } from './run/run-gestures';
import { RunPictureEmitter } from './run/run-picture-emitter';
import { showDocument } from './run/report-opener';
import { presentRunEnd, type StartResult } from './run/run-ending';
import { showRunError } from './run/run-errors';
import type { RunPicture, RunPictureSource } from './run/run-picture';
import { readSettings, runLimitsOf, type ResearchSettings } from './settings';
import { transportForRun } from './transport-for-run';
import type { RunManagerApi } from './webview/run-source';
import { watchFolderWithVscode, WorkspaceIndexRegistry } from './workspace-indexes';

export type { RunManagerApi };

export type { StartResult };

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
  private readonly changes = new RunPictureEmitter(() => this.picture);
  /** The run's picture, when it changed (coalesced): the tree and the progress panel draw it. */
  readonly onDidChange = this.changes.onDidChange;
  /** The picture and whether a run is going on, when either changed: the status bar and context keys. */
  readonly onDidChangePicture = this.changes.onDidChangePicture;
  private readonly startFailures = new vscode.EventEmitter<string>();
  /** The error shown when a Start or Resume could not start the run (nothing ran). */
  readonly onDidFailToStart = this.startFailures.event;
  private readonly disposables: vscode.Disposable[] = [];
  private readonly gestures: RunGestures;
  /** The workspace folders' offline corpora, kept across runs and followed by a file watcher; the chat and the agent-mode tool share them. */
  readonly indexes = new WorkspaceIndexRegistry({ cacheDir: indexCacheDir(process.env), watch: watchFolderWithVscode });

  constructor(
    private readonly log: vscode.LogOutputChannel,
    /** For the provider: keys from SecretStorage, consent to VS Code's language models. */
    private readonly context: vscode.ExtensionContext,
  ) {
    this.gestures = new RunGestures(() => this.handle, log);
    this.disposables.push(
      this.changes,
      this.startFailures,
      followLiveSettings(() => this.handle, log),
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

  get review(): PlanReview | undefined {
    return this.handle?.review;
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
        reportDepth: settings.reportDepth,
        onReview: settings.reviewPlan ? (review) => this.log.info(`the plan (${review.plan.tasks.length} tasks) waits for your review in the Research view`) : undefined,
        limits: runLimitsOf(settings),
      }),
    );
  }

  /**
   * "Research: Resume": continues an interrupted, cancelled, partial or failed run without redoing its
   * finished tasks, in a trusted workspace, with the provider the settings choose now (chooseRunToResume).
   * `confirmedTarget` is the provider the person already accepted.
   */
  async resume(runIdArgument?: unknown, confirmedTarget?: string): Promise<StartResult | undefined> {
    const folder = await folderForRun('Research: open the folder whose run you want to resume.');
    if (!folder || (await this.refuseWhileRunning())) return undefined;
    const settings = readSettings(folder.uri);
    const chosen = await chooseRunToResume(folder, settings.outputFolder, runIdArgument, confirmedTarget, this.log);
    if (!chosen) return undefined;
    const { inspected, providerSettings } = chosen;
    return this.launch(folder, settings, providerSettings, (setUp) => resumeRun({ ...setUp, runId: inspected.runId, inspected, onNotice: (m) => this.log.info(m) }));
  }

  /**
   * "Research: Ask a Follow-up…": on a run that is over, a new round for the follow-up (its evidence
   * kept, the report written again with a section for it); on the run in progress, a replan.
   */
  async followUp(runIdArgument?: unknown, text?: unknown): Promise<StartResult | undefined> {
    if (this.isRunning) return void (await vscode.commands.executeCommand('research.replan', typeof text === 'string' ? text : undefined));
    const folder = await folderForRun('Research: open the folder of the run to follow up on.');
    if (!folder) return undefined;
    const settings = readSettings(folder.uri);
    const chosen = await chooseFollowUp(folder, settings.outputFolder, this.handle?.runId, runIdArgument, text, this.log);
    if (!chosen) return undefined;
    return this.launch(folder, settings, chosen.providerSettings, (setUp) => resumeRun({ ...setUp, runId: chosen.inspected.runId, inspected: chosen.inspected, followUp: chosen.text }));
  }

  cancelRun(): void {
    const handle = this.handle;
    if (!handle || handle.ended) return;
    this.log.info('cancel requested: stopping the run and writing a partial report');
    handle.cancel();
  }

  cancelTask(taskId: string): void {
    this.gestures.cancelTask(taskId);
  }

  retryTask(taskId: string): void {
    this.gestures.retryTask(taskId);
  }

  replan(instruction: string): Promise<void> {
    return this.gestures.replan(instruction);
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
      this.changes.flushNow();
      const { result, shown } = await presentRunEnd(done, this.log);
      if (!shown) this.follow(previous);
      return result;
    } catch (error) {
      if (handle.started) {
        showRunError(error, this.log, (text) => handle.redact(text));
        this.changes.flushNow();
      } else {
        // A missing key, model or setting, or a Redis that does not answer: said before anything ran.
        this.follow(previous);
        const message = handle.redact(errorMessage(error));
        this.log.error(`research not started: ${message}`);
        void vscode.window.showErrorMessage(`Research: ${message}`);
        this.startFailures.fire(`Research: ${message}`);
      }
      return undefined;
    }
  }

  /** The views follow this run (or, after a run that never started, the one they showed before). */
  private follow(handle: RunHandle | undefined): void {
    this.handle = handle;
    this.changes.follow(handle?.view);
  }
}
