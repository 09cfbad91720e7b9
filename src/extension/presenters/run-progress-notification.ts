import * as vscode from 'vscode';
import type { RunDone, RunHandle } from '../../core/run/run-handle';

/**
 * The notification a run shows while it goes on: "planning…" (and, while the plan waits for review,
 * where to review it), then how many tasks are done, with a
 * Cancel button that cancels the run (the partial report is still written).
 */
export function showRunProgress(handle: RunHandle, cancel: () => void): Thenable<RunDone> {
  const resumed = handle.kind === 'resume';
  return vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: resumed ? 'Research (resumed)' : 'Research', cancellable: true },
    async (progress, token) => {
      token.onCancellationRequested(cancel);
      let settled = 0;
      const listener = handle.view.onChange(() => {
        if (handle.view.status === 'reviewing') return progress.report({ message: 'review the plan in the Research view, then Run Plan' });
        // Heard on every change: read the counts, not a copy of the whole picture.
        const { settled: done, total } = handle.view.progress();
        if (done === settled || total === 0) return;
        progress.report({ increment: ((done - settled) * 100) / total, message: `${done}/${total} tasks done` });
        settled = done;
      });
      progress.report({ message: resumed ? 'resuming…' : 'planning…' });
      try {
        return await handle.done;
      } finally {
        listener.dispose();
      }
    },
  );
}
