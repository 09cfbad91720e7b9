import type * as vscode from 'vscode';
import type { RunViewSnapshot } from '../../core/run-view';

/** What the surfaces of a run (status bar, context keys) are told on every change. */
export interface RunPicture {
  /** The current or last run's picture; undefined before any run this session. */
  readonly snapshot: RunViewSnapshot | undefined;
  /** A run is being prepared, planned or run. */
  readonly running: boolean;
}

/** Where a surface hears of the run: one event, coalesced (at most ~10 a second). */
export interface RunPictureSource {
  readonly picture: RunPicture;
  readonly onDidChangePicture: vscode.Event<RunPicture>;
}
