import { isAbsolute, relative, sep } from 'node:path';
import * as vscode from 'vscode';
import { DEFAULT_MAX_FILE_BYTES, DEFAULT_MAX_FILES, WorkspaceIndex } from '../providers/offline';
import type { readTextFile } from '../providers/offline/text-file';

/** Reports every path created, changed or deleted under a folder, until disposed. */
export type WatchFolder = (root: string, onPath: (fsPath: string) => void) => { dispose(): void };

interface Entry {
  index: WorkspaceIndex;
  outputFolder: string;
  watch: { dispose(): void };
}

/**
 * One offline corpus per workspace folder, kept in the extension host across runs: the first run
 * builds it (or loads the index cache the CLI also uses), later runs update only the files a watcher
 * saw change. The index is then always the folder as it is now, for a fraction of a build.
 */
export class WorkspaceIndexRegistry implements vscode.Disposable {
  private readonly entries = new Map<string, Entry>();

  /** `readText`: a test hook, to see which files an update reads. */
  constructor(private readonly options: { cacheDir?: string; watch: WatchFolder; readText?: typeof readTextFile }) {}

  /** The folder's index, made (and watched) on first use; made again when the output folder changed. */
  indexFor(root: string, outputFolder: string): WorkspaceIndex {
    const entry = this.entries.get(root);
    if (entry && entry.outputFolder === outputFolder) return entry.index;
    if (entry) this.drop(root, entry);
    const index = new WorkspaceIndex({ root, maxFileBytes: DEFAULT_MAX_FILE_BYTES, maxFiles: DEFAULT_MAX_FILES, outputFolder, cacheDir: this.options.cacheDir, cacheWrites: 'first-update', readText: this.options.readText });
    // Watched before the first build starts, so that a file changed while it reads is read again next time.
    const watch = this.options.watch(root, (fsPath) => {
      const path = relative(root, fsPath);
      if (path === '' || path === '..' || path.startsWith(`..${sep}`) || isAbsolute(path)) return;
      // A folder's path marks nothing known; the walk lists folders anyway and finds what is new or gone in them.
      index.markChanged([path.split(sep).join('/')]);
    });
    this.entries.set(root, { index, outputFolder, watch });
    return index;
  }

  /** Forgets every index (settings that decide what they hold changed); the next run builds anew. */
  clear(): void {
    for (const [root, entry] of this.entries) this.drop(root, entry);
  }

  dispose(): void {
    this.clear();
  }

  private drop(root: string, entry: Entry): void {
    entry.watch.dispose();
    entry.index.dispose();
    this.entries.delete(root);
  }
}

/** VS Code's file-system watcher over the whole folder (its files.watcherExclude setting applies). */
export const watchFolderWithVscode: WatchFolder = (root, onPath) => {
  const watcher = vscode.workspace.createFileSystemWatcher(new vscode.RelativePattern(vscode.Uri.file(root), '**/*'));
  const report = (uri: vscode.Uri) => onPath(uri.fsPath);
  const subscriptions = [watcher.onDidCreate(report), watcher.onDidChange(report), watcher.onDidDelete(report), watcher];
  return { dispose: () => subscriptions.forEach((s) => s.dispose()) };
};
