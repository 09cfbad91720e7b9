// TEMPORARY until RunManager lands (issue 4, the other half): feeds the progress panel from the runs
// that "Research: Start" makes, through the throwaway snapshot builder in test/support. When merging,
// delete this file and pass the RunManager to registerProgressPanel in extension.ts instead.
import { readFile } from 'node:fs/promises';
import * as vscode from 'vscode';
import { FakeRunSource } from '../../../test/support/fake-run-source';
import type { RunObserver } from '../start-command';
import type { RunManagerApi } from './run-source';

export function createTemporaryRunSource(): { runs: RunManagerApi; observer: RunObserver } {
  const source = new FakeRunSource(async (reportPath) => {
    await vscode.window.showTextDocument(vscode.Uri.file(reportPath), { preview: false });
  });
  const observer: RunObserver = {
    started: (run) => source.watch(run),
    attached: (dispatcher) => source.attach(dispatcher),
    finished: async (reportPath) => source.finish(reportPath, await readFile(reportPath, 'utf8')),
  };
  return { runs: source, observer };
}
