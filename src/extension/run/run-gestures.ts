import * as vscode from 'vscode';
import { RunEndedError } from '../../core/dispatcher';
import { errorMessage } from '../../core/errors';
import { RunNotReadyError } from '../../core/run/live-run';
import type { RunHandle } from '../../core/run/run-handle';

/**
 * What a person does to the run in progress from the tree, the panel or the palette — cancel or retry
 * a task, replan — forwarded to its RunHandle, with a plain word when there is no run, when it is
 * still planning, or when the gesture failed.
 */
export class RunGestures {
  constructor(
    private readonly current: () => RunHandle | undefined,
    private readonly log: vscode.LogOutputChannel,
  ) {}

  cancelTask(taskId: string): void {
    this.steer('cancel a task', `could not cancel task "${taskId}"`, (handle) => {
      const cancelled = handle.cancelTask(taskId);
      this.log.info(`cancelled ${cancelled.length ? cancelled.join(', ') : 'nothing'} (task "${taskId}" and what depends on it)`);
    });
  }

  retryTask(taskId: string): void {
    this.steer('retry a task', `could not retry task "${taskId}"`, (handle) => this.log.info(`queued again: ${handle.retryTask(taskId).join(', ')}`));
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

  private steer(action: string, failure: string, gesture: (handle: RunHandle) => void): void {
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
    const handle = this.current();
    if (handle && !handle.ended) return handle;
    this.sayNoRun(action);
    return undefined;
  }

  private sayNoRun(action: string): void {
    void vscode.window.showInformationMessage(`Research: no run is in progress, so there is nothing to ${action.replace(/^(\w+) a /, '$1 ')}.`);
  }
}
