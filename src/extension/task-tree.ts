import { printableLine } from '../core/control-chars';
import * as vscode from 'vscode';
import type { RunViewSnapshot, TaskView } from '../core/run-view';
import type { TaskState } from '../core/task-state';
import { describeDuration } from './task-document';

/** The groups of the tree, in the order they are shown; PLANNING tasks are shown with the pending ones. */
export const TREE_GROUPS = ['planned', 'running', 'ready', 'waiting', 'retrying', 'pending', 'completed', 'failed', 'cancelled'] as const;
export type TreeGroup = (typeof TREE_GROUPS)[number];

export function groupOf(state: TaskState): TreeGroup {
  return state === 'PLANNING' ? 'pending' : (state.toLowerCase() as TreeGroup);
}

const GROUP_LABELS: Record<TreeGroup, string> = {
  planned: 'Planned',
  running: 'Running',
  ready: 'Ready',
  waiting: 'Waiting',
  retrying: 'Retrying',
  pending: 'Pending',
  completed: 'Completed',
  failed: 'Failed',
  cancelled: 'Cancelled',
};

const GROUP_ICONS: Record<TreeGroup, vscode.ThemeIcon> = {
  planned: new vscode.ThemeIcon('checklist', new vscode.ThemeColor('charts.purple')),
  running: new vscode.ThemeIcon('play-circle', new vscode.ThemeColor('charts.blue')),
  ready: new vscode.ThemeIcon('circle-large-outline'),
  waiting: new vscode.ThemeIcon('clock'),
  retrying: new vscode.ThemeIcon('debug-restart', new vscode.ThemeColor('charts.yellow')),
  pending: new vscode.ThemeIcon('circle-outline'),
  completed: new vscode.ThemeIcon('pass', new vscode.ThemeColor('testing.iconPassed')),
  failed: new vscode.ThemeIcon('error', new vscode.ThemeColor('testing.iconFailed')),
  cancelled: new vscode.ThemeIcon('circle-slash', new vscode.ThemeColor('disabledForeground')),
};

const KIND_ICONS: Record<TaskView['kind'], string> = { search: 'search', analyze: 'beaker', synthesize: 'book' };

const STATE_COLORS: Partial<Record<TreeGroup, vscode.ThemeColor>> = {
  completed: new vscode.ThemeColor('testing.iconPassed'),
  failed: new vscode.ThemeColor('testing.iconFailed'),
  retrying: new vscode.ThemeColor('charts.yellow'),
  cancelled: new vscode.ThemeColor('disabledForeground'),
};

export interface GroupNode {
  readonly type: 'group';
  readonly group: TreeGroup;
}

export interface TaskNode {
  readonly type: 'task';
  readonly taskId: string;
}

export type TaskTreeNode = GroupNode | TaskNode;

/** What the tree shows of a task; when it is unchanged, the item is not redrawn. */
function fingerprint(task: TaskView): string {
  return [task.state, task.attempts, task.retries, task.summary, task.reason, task.lastError, task.progress?.message, task.description, task.query, task.facet].join('\u0000');
}

/**
 * The current run's tasks grouped by state, subtasks nested under their parent when both are in the
 * same group (a subtask whose parent is elsewhere is listed in its own group with "↳ parent").
 *
 * Cheap on big runs: it hears of changes at most ~10 times a second (RunManager coalesces them), keeps
 * one node object per task and group (stable `id`s, so expansion and selection survive), and redraws
 * only the tasks that changed unless one moved to another group — then one refresh of the whole tree.
 */
export class TaskTreeProvider implements vscode.TreeDataProvider<TaskTreeNode>, vscode.Disposable {
  private readonly changeEmitter = new vscode.EventEmitter<TaskTreeNode | TaskTreeNode[] | undefined>();
  readonly onDidChangeTreeData = this.changeEmitter.event;
  private snapshot?: RunViewSnapshot;
  private readonly groupNodes = new Map<TreeGroup, GroupNode>(TREE_GROUPS.map((group) => [group, { type: 'group', group }]));
  private readonly taskNodes = new Map<string, TaskNode>();
  private byId = new Map<string, TaskView>();
  private byGroup = new Map<TreeGroup, TaskView[]>();
  private childrenOf = new Map<string, TaskView[]>();
  private fingerprints = new Map<string, string>();
  private ticker?: NodeJS.Timeout;

  /** Redraws running tasks once a second so that their durations tick. */
  constructor(private readonly tickMs = 1000) {}

  update(snapshot: RunViewSnapshot | undefined): void {
    const previous = this.snapshot;
    this.snapshot = snapshot;
    if (!snapshot) {
      this.reindex([]);
      this.fire(undefined);
      return;
    }
    const structural =
      !previous ||
      previous.runId !== snapshot.runId ||
      previous.tasks.length !== snapshot.tasks.length ||
      snapshot.tasks.some((t) => {
        const before = this.byId.get(t.id);
        return !before || groupOf(before.state) !== groupOf(t.state) || before.parent !== t.parent;
      });
    const changed = structural ? [] : snapshot.tasks.filter((t) => this.fingerprints.get(t.id) !== fingerprint(t));
    this.reindex(snapshot.tasks);
    if (structural) this.fire(undefined);
    else if (changed.length > 0) this.fire(changed.map((t) => this.nodeFor(t.id)));
    this.updateTicker();
  }

  getTreeItem(node: TaskTreeNode): vscode.TreeItem {
    return node.type === 'group' ? this.groupItem(node) : this.taskItem(node);
  }

  getChildren(node?: TaskTreeNode): TaskTreeNode[] {
    if (!this.snapshot) return [];
    if (!node) return TREE_GROUPS.filter((g) => (this.byGroup.get(g)?.length ?? 0) > 0).map((g) => this.groupNodes.get(g)!);
    if (node.type === 'group') {
      return (this.byGroup.get(node.group) ?? [])
        .filter((t) => !this.nestedInGroup(t))
        .map((t) => this.nodeFor(t.id));
    }
    return (this.childrenOf.get(node.taskId) ?? []).map((t) => this.nodeFor(t.id));
  }

  getParent(node: TaskTreeNode): TaskTreeNode | undefined {
    if (node.type === 'group') return undefined;
    const task = this.byId.get(node.taskId);
    if (!task) return undefined;
    if (this.nestedInGroup(task)) return this.nodeFor(task.parent!);
    return this.groupNodes.get(groupOf(task.state));
  }

  /** The node of a task, for `TreeView.reveal`. */
  nodeFor(taskId: string): TaskNode {
    let node = this.taskNodes.get(taskId);
    if (!node) this.taskNodes.set(taskId, (node = { type: 'task', taskId }));
    return node;
  }

  task(taskId: string): TaskView | undefined {
    return this.byId.get(taskId);
  }

  dispose(): void {
    if (this.ticker) clearInterval(this.ticker);
    this.changeEmitter.dispose();
  }

  // ---------------------------------------------------------------- internals

  private groupItem(node: GroupNode): vscode.TreeItem {
    const count = this.byGroup.get(node.group)?.length ?? 0;
    const item = new vscode.TreeItem(GROUP_LABELS[node.group], vscode.TreeItemCollapsibleState.Expanded);
    item.id = `${this.snapshot?.runId}/group/${node.group}`;
    item.description = String(count);
    item.iconPath = GROUP_ICONS[node.group];
    item.contextValue = `group.${node.group}`;
    item.tooltip = `${count} ${GROUP_LABELS[node.group].toLowerCase()} task${count === 1 ? '' : 's'}`;
    item.accessibilityInformation = { label: `${GROUP_LABELS[node.group]}, ${count} task${count === 1 ? '' : 's'}` };
    return item;
  }

  private taskItem(node: TaskNode): vscode.TreeItem {
    const task = this.byId.get(node.taskId);
    if (!task) return new vscode.TreeItem(printableLine(node.taskId));
    const group = groupOf(task.state);
    const children = this.childrenOf.get(task.id)?.length ?? 0;
    const item = new vscode.TreeItem(printableLine(task.id), children > 0 ? vscode.TreeItemCollapsibleState.Expanded : vscode.TreeItemCollapsibleState.None);
    // VS Code remembers an id's expansion: a task that gains nested subtasks gets a new id, so it opens
    // expanded instead of staying as it was drawn when it had none.
    item.id = `${this.snapshot?.runId}/task/${task.id}${children > 0 ? '/parent' : ''}`;
    item.iconPath = group === 'running' ? new vscode.ThemeIcon('loading~spin') : new vscode.ThemeIcon(KIND_ICONS[task.kind], STATE_COLORS[group]);
    item.description = printableLine(this.describe(task));
    item.tooltip = tooltip(task);
    item.contextValue = `task.${group}`;
    item.command = { command: 'research.showTask', title: 'Show Task' };
    item.accessibilityInformation = { label: `${printableLine(task.id)}, ${task.kind}, ${group}${item.description ? `, ${item.description}` : ''}` };
    return item;
  }

  private describe(task: TaskView): string {
    const parts: string[] = [];
    if (task.parent !== undefined && !this.nestedInGroup(task)) parts.push(`↳ ${task.parent}`);
    const duration = describeDuration(task);
    if (duration) parts.push(duration);
    if (task.retries > 0) parts.push(`retry ${task.retries}`);
    if (task.state === 'RUNNING' && task.progress) parts.push(task.progress.message);
    // Under review, a search shows what it will look for: the words are what a person edits.
    if (task.state === 'PLANNED' && task.query) parts.push(`“${task.query}”`);
    parts.push(task.description);
    if (task.state === 'PLANNED' && task.facet && !task.description.includes(task.facet)) parts.push(task.facet);
    return parts.join(' · ');
  }

  private nestedInGroup(task: TaskView): boolean {
    if (task.parent === undefined) return false;
    const parent = this.byId.get(task.parent);
    return parent !== undefined && groupOf(parent.state) === groupOf(task.state);
  }

  private reindex(tasks: readonly TaskView[]): void {
    this.byId = new Map(tasks.map((t) => [t.id, t]));
    this.byGroup = new Map();
    this.childrenOf = new Map();
    this.fingerprints = new Map();
    for (const task of tasks) {
      const group = groupOf(task.state);
      let list = this.byGroup.get(group);
      if (!list) this.byGroup.set(group, (list = []));
      list.push(task);
      this.fingerprints.set(task.id, fingerprint(task));
      if (this.nestedInGroup(task)) {
        let children = this.childrenOf.get(task.parent!);
        if (!children) this.childrenOf.set(task.parent!, (children = []));
        children.push(task);
      }
    }
  }

  private updateTicker(): void {
    const anyRunning = (this.byGroup.get('running')?.length ?? 0) > 0;
    if (anyRunning && !this.ticker) {
      this.ticker = setInterval(() => {
        const running = this.byGroup.get('running') ?? [];
        if (running.length === 0) return;
        this.fire(running.map((t) => this.nodeFor(t.id)));
      }, this.tickMs);
    } else if (!anyRunning && this.ticker) {
      clearInterval(this.ticker);
      this.ticker = undefined;
    }
  }

  private fire(nodes: TaskTreeNode[] | undefined): void {
    this.changeEmitter.fire(nodes);
  }
}

function tooltip(task: TaskView): vscode.MarkdownString {
  const text = new vscode.MarkdownString(undefined, true);
  text.isTrusted = false;
  text.supportHtml = false;
  text.appendMarkdown(`$(${KIND_ICONS[task.kind]}) **`).appendText(printableLine(task.id)).appendMarkdown(`** · ${task.kind} · ${task.state.toLowerCase()}\n\n`);
  text.appendText(printableLine(task.description));
  const facts = [`attempts: ${task.attempts}`, ...(task.retries ? [`retries: ${task.retries}`] : [])];
  const duration = describeDuration(task);
  if (duration) facts.push(`duration: ${duration}`);
  text.appendMarkdown(`\n\n${facts.join(' · ')}`);
  if (task.dependsOn.length > 0) text.appendMarkdown('\n\nneeds: ').appendText(printableLine(task.dependsOn.join(', ')));
  if (task.summary) text.appendMarkdown('\n\n$(check) ').appendText(printableLine(task.summary));
  if (task.reason) text.appendMarkdown('\n\n$(error) ').appendText(printableLine(task.reason));
  if (task.lastError && task.state !== 'COMPLETED') text.appendMarkdown('\n\n$(warning) last error: ').appendText(printableLine(task.lastError));
  return text;
}
