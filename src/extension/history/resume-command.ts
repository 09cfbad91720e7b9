import * as vscode from 'vscode';
import { findRunDir, listRuns, type RunInfo } from '../../core/journal/history';
import { resumeResearch, RunAlreadyCompletedError } from '../../core/resume';
import type { Dispatcher } from '../../core/dispatcher';
import type { RunOutcome } from '../../core/events';
import { readRunMeta } from '../../core/journal/run-meta';
import { createProviderFromSettings, recordedProviderSettings, type ProviderSettings } from '../../providers/create-provider';
import { createVscodeLmChatModel } from '../lm/vscode-lm-chat-model';
import { runWithProgress, showReport, showRunError } from '../run-with-progress';
import { readSettings } from '../settings';
import { describeRun } from './run-labels';

export interface ResumeResult {
  runId: string;
  reportUri: vscode.Uri;
  outcome: RunOutcome;
}

/**
 * "Research: Resume": continues an interrupted (or cancelled, partial, failed) run of the workspace
 * without redoing its finished tasks. Takes the run id as an argument (tests, the history, the
 * offer after a reload) or asks with a QuickPick of the runs that can be resumed.
 */
export class ResumeCommand {
  /** Runs being resumed in this window, so a second click says so instead of failing on the lock. */
  private readonly resuming = new Set<string>();

  /**
   * `onDispatcher` receives each resumed run's dispatcher (its `bus` carries the run's events), so the
   * task tree, the webview and the Cancel/Replan commands can follow a resumed run like a new one.
   */
  constructor(
    private readonly log: vscode.LogOutputChannel,
    private readonly onDispatcher?: (dispatcher: Dispatcher) => void,
    /** `context.secrets`, for the keys of a run that used a model; without it keys come from the environment only. */
    private readonly secrets?: vscode.SecretStorage,
  ) {}

  async run(runIdArgument?: unknown): Promise<ResumeResult | undefined> {
    const folder = vscode.workspace.workspaceFolders?.[0];
    if (!folder) {
      void vscode.window.showErrorMessage('Research: open the folder whose run you want to resume.');
      return undefined;
    }
    const { outputFolder } = readSettings(folder.uri);
    const runId = typeof runIdArgument === 'string' ? runIdArgument : await this.pick(folder.uri.fsPath, outputFolder);
    if (runId === undefined) return undefined;
    if (this.resuming.has(runId)) {
      void vscode.window.showInformationMessage(`Research: run ${runId} is already being resumed.`);
      return undefined;
    }
    this.resuming.add(runId);
    try {
      // An unknown or malformed id is said at once, without flashing a progress notification first.
      const runDir = findRunDir(folder.uri.fsPath, outputFolder, runId);
      // The run continues with the provider it was started with (run.json keeps its settings, no keys).
      const recorded = readRunMeta(runDir);
      const settings: ProviderSettings = { provider: 'offline', ...recordedProviderSettings(recorded?.options.provider ?? (recorded ? { provider: recorded.providerId } : {})) };
      const secrets = this.secrets;
      const provider = await createProviderFromSettings({
        settings,
        root: folder.uri.fsPath,
        outputFolder,
        runDir,
        keys: { secretGet: secrets ? (key) => secrets.get(key) : undefined, env: process.env },
        chatModelForLm: settings.provider === 'vscode-lm' ? createVscodeLmChatModel(settings.lm ?? {}) : undefined,
      });
      this.log.info(`resuming run ${runId} in ${folder.uri.fsPath} with ${provider.label}`);
      try {
        const result = await runWithProgress(this.log, 'Research (resumed)', (bus, signal) =>
          resumeResearch({ runId, root: folder.uri.fsPath, provider, outputFolder, bus, signal, onNotice: (m) => this.log.info(m), onDispatcher: this.onDispatcher }),
        );
        this.log.info(`research ${result.outcome}: ${result.reportPath}`);
        const reportUri = await showReport(result);
        return { runId: result.runId, reportUri, outcome: result.outcome };
      } finally {
        provider.dispose?.();
      }
    } catch (error) {
      if (error instanceof RunAlreadyCompletedError) {
        const reportUri = await showReport({ reportPath: error.reportPath, outcome: 'completed' }).catch(() => vscode.Uri.file(error.reportPath));
        void vscode.window.showInformationMessage(`Research: run ${runId} had already completed; its report is open.`);
        return { runId, reportUri, outcome: 'completed' };
      }
      showRunError(this.log, error);
      return undefined;
    } finally {
      this.resuming.delete(runId);
    }
  }

  private async pick(root: string, outputFolder: string): Promise<string | undefined> {
    const runs = listRuns(root, outputFolder).filter((run) => run.resumable);
    if (runs.length === 0) {
      void vscode.window.showInformationMessage('Research: no run in this folder needs resuming.');
      return undefined;
    }
    // Interrupted runs first: those are the ones a crash or a reload left behind.
    const ordered = [...runs.filter((r) => r.status === 'interrupted'), ...runs.filter((r) => r.status !== 'interrupted')];
    const choice = await vscode.window.showQuickPick(
      ordered.map((run: RunInfo) => ({ ...describeRun(run), runId: run.runId })),
      { title: 'Research: Resume', placeHolder: 'Choose a run to continue; finished tasks are not run again', matchOnDescription: true, matchOnDetail: true },
    );
    return choice?.runId;
  }
}
