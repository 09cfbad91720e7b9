import * as vscode from 'vscode';
import { errorMessage } from '../core/errors';
import type { WorkerWatch, WorkerWatchStatus } from '../distributed/worker-watch';
import { redisFromSetting } from './transport-for-run';
import { REDIS_PASSWORD_SECRET } from './secrets';
import { readRedisUrl } from './settings';
import { WorkersTreeProvider, type WorkersTreeNode } from './workers-tree';

export const WORKERS_VIEW = 'research.workers';

/**
 * What the view shows, as the context key `research.workersStatus` (the welcome contents' `when`):
 * `off` (no URL: the view is hidden), `invalid` (the setting cannot be used; the message says why),
 * `connecting`, `unreachable`, `none` (Redis answers, no worker registered) or `listed`.
 */
export type WorkersViewStatus = 'off' | 'invalid' | 'connecting' | 'unreachable' | 'none' | 'listed';

/** What the integration tests reach through `activate()`'s return value. */
export interface WorkersViewApi {
  readonly tree: WorkersTreeProvider;
  readonly view: vscode.TreeView<WorkersTreeNode>;
  readonly status: WorkersViewStatus;
}

/**
 * The Workers view: shown while `research.redis.url` is set (context key `research.redisConfigured`),
 * it lists the workers on that Redis through a WorkerWatch, which polls only while the view is
 * visible. The watch (and bullmq/ioredis with it) is loaded on first need; a changed URL or password
 * replaces it, a cleared URL closes it.
 */
class WorkersView implements WorkersViewApi, vscode.Disposable {
  readonly tree = new WorkersTreeProvider();
  readonly view: vscode.TreeView<WorkersTreeNode>;
  status: WorkersViewStatus = 'off';
  private url = '';
  private watch?: WorkerWatch;
  /** Bumped on each reconfiguration, so a slow SecretStorage read cannot install a stale watch. */
  private generation = 0;
  private readonly contextKeys = new Map<string, unknown>();
  private readonly disposables: vscode.Disposable[] = [];

  constructor(private readonly context: vscode.ExtensionContext) {
    this.view = vscode.window.createTreeView(WORKERS_VIEW, { treeDataProvider: this.tree });
    this.disposables.push(
      this.tree,
      this.view,
      this.view.onDidChangeVisibility(() => this.followVisibility()),
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration('research.redis.url')) void this.configure();
      }),
      vscode.workspace.onDidChangeWorkspaceFolders(() => void this.configure()),
      context.secrets.onDidChange((e) => {
        if (e.key === REDIS_PASSWORD_SECRET) void this.configure(true);
      }),
    );
    void this.configure();
  }

  /** Reads the setting; a new URL (or password: `force`) replaces the watch. */
  async configure(force = false): Promise<void> {
    const url = readRedisUrl(vscode.workspace.workspaceFolders?.[0]?.uri);
    this.setContext('research.redisConfigured', url !== '');
    if (url === this.url && !force) return;
    this.url = url;
    const generation = ++this.generation;
    this.closeWatch();
    this.show(url === '' ? 'off' : 'connecting');
    if (url === '') return;
    try {
      const { distributed, target } = await redisFromSetting(this.context, url);
      if (generation !== this.generation) return;
      this.watch = new distributed.WorkerWatch(target, (status) => this.showWatch(status));
    } catch (error) {
      if (generation === this.generation) this.show('invalid', `Research: ${errorMessage(error)}`);
      return;
    }
    this.followVisibility();
  }

  dispose(): void {
    this.generation++;
    this.closeWatch();
    for (const d of this.disposables) d.dispose();
  }

  /** Lists while someone looks: nothing touches Redis while the view is hidden or collapsed. */
  private followVisibility(): void {
    if (!this.watch) return;
    if (this.view.visible) this.watch.start();
    else this.watch.stop();
  }

  private closeWatch(): void {
    this.watch?.dispose();
    this.watch = undefined;
  }

  private showWatch(status: WorkerWatchStatus): void {
    if (status.state === 'listed') this.show(status.workers.length > 0 ? 'listed' : 'none', undefined, status);
    else if (status.state === 'unreachable') this.show('unreachable', status.message);
    else this.show('connecting');
  }

  private show(status: WorkersViewStatus, message?: string, listed?: Extract<WorkerWatchStatus, { state: 'listed' }>): void {
    this.status = status;
    this.setContext('research.workersStatus', status);
    // Workers are shown only while Redis answers: a list from before it went away would be stale.
    this.tree.update(listed?.workers ?? []);
    if (this.view.message !== message) this.view.message = message;
    const busy = listed?.workers.reduce((n, w) => n + w.running.length, 0) ?? 0;
    const capacity = listed?.workers.reduce((n, w) => n + w.concurrency, 0) ?? 0;
    this.view.description = listed && listed.workers.length > 0 ? `${busy}/${capacity} busy` : undefined;
  }

  private setContext(key: string, value: unknown): void {
    if (this.contextKeys.get(key) === value) return;
    this.contextKeys.set(key, value);
    void vscode.commands.executeCommand('setContext', key, value);
  }
}

export function registerWorkersView(context: vscode.ExtensionContext): WorkersViewApi {
  const view = new WorkersView(context);
  context.subscriptions.push(view);
  return view;
}
