import { printableLine } from '../core/control-chars';
import * as vscode from 'vscode';
import { formatSeconds } from '../core/errors';
import { TASK_KINDS } from '../core/plan';
import type { RunningTask, WorkerState, WorkerView } from '../distributed/registry';

const STATE_ICONS: Record<WorkerState, vscode.ThemeIcon> = {
  idle: new vscode.ThemeIcon('circle-outline'),
  running: new vscode.ThemeIcon('sync~spin'),
  error: new vscode.ThemeIcon('error', new vscode.ThemeColor('errorForeground')),
  stopped: new vscode.ThemeIcon('circle-slash', new vscode.ThemeColor('disabledForeground')),
};

const KIND_ICONS: Record<RunningTask['kind'], string> = { search: 'search', analyze: 'beaker', synthesize: 'book' };

export interface WorkerNode {
  readonly type: 'worker';
  readonly workerId: string;
}

export interface WorkerTaskNode {
  readonly type: 'task';
  readonly workerId: string;
  /** Run id and task id: one worker may run tasks of several runs (several dispatchers share a Redis). */
  readonly key: string;
}

export type WorkersTreeNode = WorkerNode | WorkerTaskNode;

/**
 * The workers registered on the Redis of `research.redis.url`, each with the tasks it runs now. The
 * data comes from WorkerWatch (src/distributed/worker-watch.ts), which calls update() only when the
 * list changed, so every update redraws the whole (small) tree once. Everything a record says comes
 * from another process and is shown as text, never as Markdown or a link.
 */
export class WorkersTreeProvider implements vscode.TreeDataProvider<WorkersTreeNode>, vscode.Disposable {
  private readonly changeEmitter = new vscode.EventEmitter<WorkersTreeNode | undefined>();
  readonly onDidChangeTreeData = this.changeEmitter.event;
  private workers: readonly WorkerView[] = [];
  private byId = new Map<string, WorkerView>();
  /** One node object per worker and task, kept across updates, so selection and expansion survive. */
  private readonly workerNodes = new Map<string, WorkerNode>();
  private readonly taskNodes = new Map<string, WorkerTaskNode>();

  /** `now` is injectable for the tests (elapsed times, last heartbeat). */
  constructor(private readonly now: () => number = Date.now) {}

  /** The workers to show; an empty list shows the view's welcome content. */
  update(workers: readonly WorkerView[]): void {
    this.workers = workers;
    this.byId = new Map(workers.map((w) => [w.id, w]));
    for (const id of this.workerNodes.keys()) if (!this.byId.has(id)) this.workerNodes.delete(id);
    const keys = new Set(workers.flatMap((w) => w.running.map((t) => taskKey(w.id, t))));
    for (const key of this.taskNodes.keys()) if (!keys.has(key)) this.taskNodes.delete(key);
    this.changeEmitter.fire(undefined);
  }

  get workerCount(): number {
    return this.workers.length;
  }

  getChildren(node?: WorkersTreeNode): WorkersTreeNode[] {
    if (!node) return this.workers.map((w) => this.workerNode(w.id));
    if (node.type === 'task') return [];
    return (this.byId.get(node.workerId)?.running ?? []).map((t) => this.taskNode(node.workerId, t));
  }

  getParent(node: WorkersTreeNode): WorkersTreeNode | undefined {
    return node.type === 'task' ? this.workerNode(node.workerId) : undefined;
  }

  getTreeItem(node: WorkersTreeNode): vscode.TreeItem {
    const worker = this.byId.get(node.workerId);
    if (!worker) return new vscode.TreeItem(printableLine(node.workerId));
    if (node.type === 'worker') return this.workerItem(worker);
    const task = worker.running.find((t) => taskKey(worker.id, t) === node.key);
    return task ? this.taskItem(worker, task) : new vscode.TreeItem(node.key);
  }

  dispose(): void {
    this.changeEmitter.dispose();
  }

  // ---------------------------------------------------------------- items

  private workerItem(worker: WorkerView): vscode.TreeItem {
    const busy = worker.running.length > 0;
    const item = new vscode.TreeItem(printableLine(worker.id), busy ? vscode.TreeItemCollapsibleState.Expanded : vscode.TreeItemCollapsibleState.None);
    // A worker that starts running tasks gets a new id, so it opens expanded instead of keeping the
    // "no children" state VS Code remembered for it (as in the task tree).
    item.id = `worker/${worker.id}${busy ? '/busy' : ''}`;
    item.iconPath = STATE_ICONS[worker.state];
    item.description = printableLine(describeWorker(worker));
    item.tooltip = workerTooltip(worker, this.now());
    item.contextValue = `worker.${worker.state}`;
    item.accessibilityInformation = { label: `worker ${printableLine(worker.id)}, ${item.description}` };
    return item;
  }

  private taskItem(worker: WorkerView, task: RunningTask): vscode.TreeItem {
    const item = new vscode.TreeItem(printableLine(task.taskId), vscode.TreeItemCollapsibleState.None);
    item.id = `worker/${worker.id}/task/${taskKey(worker.id, task)}`;
    item.iconPath = new vscode.ThemeIcon(KIND_ICONS[task.kind]);
    item.description = printableLine(describeTask(task, this.now()));
    item.tooltip = taskTooltip(worker, task);
    item.contextValue = 'workerTask';
    item.accessibilityInformation = { label: `${printableLine(task.taskId)}, ${task.kind}, ${item.description}` };
    return item;
  }

  private workerNode(workerId: string): WorkerNode {
    let node = this.workerNodes.get(workerId);
    if (!node) this.workerNodes.set(workerId, (node = { type: 'worker', workerId }));
    return node;
  }

  private taskNode(workerId: string, task: RunningTask): WorkerTaskNode {
    const key = taskKey(workerId, task);
    let node = this.taskNodes.get(key);
    if (!node) this.taskNodes.set(key, (node = { type: 'task', workerId, key }));
    return node;
  }
}

function taskKey(workerId: string, task: RunningTask): string {
  return JSON.stringify([workerId, task.runId, task.taskId, task.attempt]);
}

/**
 * `running 2/4`, `idle 0/4 · search, analyze`, `error 1/4 · no heartbeat for 12 s: …`. The kinds a
 * worker takes are named only when it does not take them all (the default): the full list cut the
 * description off in a sidebar of the usual width. The tooltip lists them always.
 */
export function describeWorker(worker: WorkerView): string {
  const load = `${worker.state} ${worker.running.length}/${worker.concurrency}`;
  const why = worker.state === 'error' || worker.state === 'stopped' ? worker.reason : undefined;
  const kinds = TASK_KINDS.every((kind) => worker.capabilities.includes(kind)) ? undefined : worker.capabilities.join(', ');
  const detail = why ?? kinds;
  return detail ? `${load} · ${detail}` : load;
}

/**
 * `4.2 s · retry 1 · Read the notices`, as the Tasks view describes a running task: the time that
 * ticks first, so a narrow sidebar cuts the description rather than the time; the kind is the icon.
 */
export function describeTask(task: RunningTask, now: number): string {
  const parts = [formatSeconds(Math.max(0, now - task.startedAt))];
  if (task.attempt > 1) parts.push(`retry ${task.attempt - 1}`);
  parts.push(task.description);
  return parts.join(' · ');
}

function ago(ms: number): string {
  return `${formatSeconds(Math.max(0, ms))} ago`;
}

function markdown(): vscode.MarkdownString {
  const text = new vscode.MarkdownString(undefined, true);
  text.isTrusted = false;
  text.supportHtml = false;
  return text;
}

function workerTooltip(worker: WorkerView, now: number): vscode.MarkdownString {
  const text = markdown();
  text.appendMarkdown('**').appendText(printableLine(worker.id)).appendMarkdown(`** · ${worker.state}\n\n`);
  text.appendMarkdown('host: ').appendText(printableLine(worker.host)).appendMarkdown(` · pid: ${worker.pid}\n\n`);
  text.appendMarkdown('workspace: ').appendText(printableLine(worker.workspace)).appendMarkdown('\n\n');
  text.appendMarkdown('capabilities: ').appendText(printableLine(worker.capabilities.join(', ') || 'none')).appendMarkdown('\n\n');
  text.appendMarkdown(`running: ${worker.running.length} of ${worker.concurrency} · completed: ${worker.completed} · failed: ${worker.failed}\n\n`);
  text.appendMarkdown(`last heartbeat: ${ago(now - worker.heartbeatAt)} · started ${ago(now - worker.startedAt)}`);
  if (worker.reason) text.appendMarkdown('\n\n$(warning) ').appendText(printableLine(worker.reason));
  return text;
}

function taskTooltip(worker: WorkerView, task: RunningTask): vscode.MarkdownString {
  const text = markdown();
  text.appendMarkdown(`$(${KIND_ICONS[task.kind]}) **`).appendText(printableLine(task.taskId)).appendMarkdown(`** · ${task.kind} · attempt ${task.attempt}\n\n`);
  text.appendText(printableLine(task.description));
  text.appendMarkdown('\n\nrun ').appendText(printableLine(task.runId)).appendMarkdown(' · on ').appendText(printableLine(worker.id));
  return text;
}
