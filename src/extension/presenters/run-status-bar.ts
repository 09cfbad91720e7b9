import * as vscode from 'vscode';
import type { RunPicture, RunPictureSource } from '../run/run-picture';
import { settledCount } from '../../core/run-view-model';

/** The status-bar item of a run in progress: where it stands, and a click to the progress panel. */
export class RunStatusBar implements vscode.Disposable {
  private readonly item: vscode.StatusBarItem;
  private readonly subscription: vscode.Disposable;

  constructor(source: RunPictureSource) {
    this.item = vscode.window.createStatusBarItem('research.status', vscode.StatusBarAlignment.Left, 50);
    this.item.name = 'Research';
    this.item.command = 'research.showProgress';
    this.subscription = source.onDidChangePicture((picture) => this.show(picture));
    this.show(source.picture);
  }

  private show({ snapshot, running }: RunPicture): void {
    if (!snapshot || !running) {
      this.item.hide();
      return;
    }
    const done = settledCount(snapshot.counts);
    const label = snapshot.status === 'running' || snapshot.status === 'ended' ? `${done}/${snapshot.tasks.length}` : `${snapshot.status}…`;
    this.item.text = `$(sync~spin) Research ${label}`;
    const tooltip = new vscode.MarkdownString(undefined, true);
    tooltip.appendText(snapshot.question);
    tooltip.appendMarkdown(
      `\n\n${snapshot.counts.RUNNING} running · ${snapshot.counts.COMPLETED} completed · ${snapshot.counts.FAILED} failed · ${snapshot.counts.CANCELLED} cancelled\n\nClick to show the progress.`,
    );
    this.item.tooltip = tooltip;
    this.item.show();
  }

  dispose(): void {
    this.subscription.dispose();
    this.item.dispose();
  }
}
