import type * as vscode from 'vscode';
import type { RunViewSnapshot } from '../../core/run-view';

/**
 * What the progress panel needs from whoever runs research: the run's picture, its changes, and the
 * gestures the panel offers. The extension's `RunManager` implements it; the panel depends on nothing
 * else, so it can be tested with a stand-in.
 */
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
