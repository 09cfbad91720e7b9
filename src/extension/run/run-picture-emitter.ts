import * as vscode from 'vscode';
import type { RunViewSnapshot } from '../../core/run-view';
import type { RunViewModel } from '../../core/run-view-model';
import { ChangeCoalescer } from './change-coalescer';
import type { RunPicture, RunPictureSource } from './run-picture';

/**
 * The change events of the run the views follow, coalesced (at most ~10 a second): `onDidChange`
 * with the picture when it changed (tree, progress panel), `onDidChangePicture` when the picture or
 * whether a run goes on changed (status bar, context keys).
 */
export class RunPictureEmitter implements RunPictureSource, vscode.Disposable {
  private readonly snapshots = new vscode.EventEmitter<RunViewSnapshot>();
  private readonly pictures = new vscode.EventEmitter<RunPicture>();
  readonly onDidChange = this.snapshots.event;
  readonly onDidChangePicture = this.pictures.event;
  private readonly changes = new ChangeCoalescer(() => this.flush());
  private followed?: RunViewModel;
  private fired: { snapshot?: RunViewSnapshot; running: boolean } = { running: false };

  constructor(private readonly current: () => RunPicture) {}

  get picture(): RunPicture {
    return this.current();
  }

  /** Views follow this run's model from now on (its changes before now are flushed at once). */
  follow(model: RunViewModel | undefined): void {
    this.followed = model;
    model?.onChange(() => this.followed === model && this.changes.schedule());
    this.changes.now();
  }

  /** Something the views must show at once: a run started or ended. */
  flushNow(): void {
    this.changes.now();
  }

  private flush(): void {
    const picture = this.current();
    // A snapshot is a new object only when its version moved, so identity says whether it changed.
    if (picture.snapshot === this.fired.snapshot && picture.running === this.fired.running) return;
    const changed = picture.snapshot !== this.fired.snapshot;
    this.fired = { snapshot: picture.snapshot, running: picture.running };
    this.pictures.fire(picture);
    if (picture.snapshot && changed) this.snapshots.fire(picture.snapshot);
  }

  dispose(): void {
    this.changes.dispose();
    this.snapshots.dispose();
    this.pictures.dispose();
  }
}
