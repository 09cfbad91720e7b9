import * as vscode from 'vscode';
import type { RunOutcome } from '../../core/events';
import type { RunDone } from '../../core/run/run-handle';
import { showDocument, showReport } from './report-opener';

/** What `research.start` and `research.resume` resolve to (undefined when nothing was started). */
export interface StartResult {
  runId: string;
  reportUri: vscode.Uri;
  outcome: RunOutcome;
}

/**
 * What a person sees when a run is over: its report opens, with a word when it is partial or
 * cancelled; a run that had already completed opens its report; a discarded plan says nothing ran.
 * `shown` is false when the run left nothing to show, so the views go back to the run before.
 */
export async function presentRunEnd(done: RunDone, log: vscode.LogOutputChannel): Promise<{ result: StartResult | undefined; shown: boolean }> {
  if (done.kind === 'discarded') {
    log.info(`research ${done.runId}: the plan was discarded; nothing ran`);
    void vscode.window.showInformationMessage('Research: the plan was discarded; nothing ran.');
    return { result: undefined, shown: false };
  }
  const reportUri = vscode.Uri.file(done.reportPath);
  if (done.kind === 'already-completed') {
    await showDocument(reportUri).catch(() => undefined);
    void vscode.window.showInformationMessage(`Research: run ${done.runId} had already completed; its report is open.`);
    return { result: { runId: done.runId, reportUri, outcome: 'completed' }, shown: false };
  }
  log.info(`research ${done.outcome}: ${done.reportPath}`);
  await showReport(reportUri, log);
  if (done.outcome !== 'completed') {
    void vscode.window.showWarningMessage(`Research ${done.outcome === 'cancelled' ? 'was cancelled' : 'finished with gaps'}: the report says what is missing.`);
  }
  return { result: { runId: done.runId, reportUri, outcome: done.outcome }, shown: true };
}
