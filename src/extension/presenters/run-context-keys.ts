import * as vscode from 'vscode';
import { isTerminal } from '../../core/task-state';
import type { RunPicture, RunPictureSource } from '../run/run-picture';

/** The context keys that show and hide the Research commands (package.json's `when` clauses read them). */
export class RunContextKeys implements vscode.Disposable {
  private readonly values = new Map<string, boolean>();
  private readonly subscription: vscode.Disposable;

  constructor(source: RunPictureSource) {
    this.subscription = source.onDidChangePicture((picture) => this.show(picture));
    this.show(source.picture);
  }

  /** The keys as last set (VS Code has no API to read them back). */
  current(): Record<string, boolean> {
    return Object.fromEntries(this.values);
  }

  private show({ snapshot, running }: RunPicture): void {
    const live = running && snapshot?.status === 'running';
    const open = snapshot?.tasks.some((t) => !isTerminal(t.state)) ?? false;
    const retryable = (snapshot?.counts.FAILED ?? 0) + (snapshot?.counts.CANCELLED ?? 0) > 0;
    this.set('research.hasRun', snapshot !== undefined);
    this.set('research.running', running);
    this.set('research.reviewing', running && snapshot?.status === 'reviewing');
    this.set('research.canReplan', live);
    this.set('research.hasCancellableTasks', live && open);
    this.set('research.hasRetryableTasks', live && retryable);
    this.set('research.hasReport', snapshot?.reportPath !== undefined);
  }

  private set(key: string, value: boolean): void {
    if (this.values.get(key) === value) return;
    this.values.set(key, value);
    void vscode.commands.executeCommand('setContext', key, value);
  }

  dispose(): void {
    this.subscription.dispose();
  }
}
