import assert from 'node:assert/strict';
import type { WorkerView } from '../../../src/distributed/registry';
import type * as WorkersTree from '../../../src/extension/workers-tree';
import { MarkdownString, requireWithFakeVscode, ThemeIcon, TreeItemCollapsibleState, type TreeItem } from '../../support/fake-vscode';

const { WorkersTreeProvider } = requireWithFakeVscode<typeof WorkersTree>(require.resolve('../../../src/extension/workers-tree'));

const NOW = 1_700_000_000_000;

function worker(id: string, extra: Partial<WorkerView> = {}): WorkerView {
  const running = extra.running ?? [];
  return {
    id,
    host: 'build-box',
    pid: 4242,
    capabilities: ['search', 'analyze'],
    concurrency: 4,
    workspace: 'notes',
    state: running.length > 0 ? 'running' : 'idle',
    running,
    completed: 7,
    failed: 1,
    startedAt: NOW - 600_000,
    heartbeatAt: NOW - 2_000,
    heartbeatMs: 1_000,
    load: running.length / 4,
    silent: false,
    ...extra,
  };
}

function runningTask(taskId: string, extra: Partial<WorkerView['running'][number]> = {}): WorkerView['running'][number] {
  return { runId: 'run-1', taskId, kind: 'search', description: `look for ${taskId}`, attempt: 1, startedAt: NOW - 4_200, ...extra };
}

describe('Workers view: the tree of workers and their tasks', () => {
  let tree: InstanceType<typeof WorkersTreeProvider>;
  let fired = 0;

  beforeEach(() => {
    tree = new WorkersTreeProvider(() => NOW);
    fired = 0;
    tree.onDidChangeTreeData(() => fired++);
  });

  afterEach(() => tree.dispose());

  const items = () => tree.getChildren().map((node) => tree.getTreeItem(node) as unknown as TreeItem);

  it('shows one item per worker: id, load and capabilities, an icon by state', () => {
    tree.update([
      worker('a-idle'),
      worker('b-busy', { running: [runningTask('s1'), runningTask('s2', { kind: 'analyze' })] }),
      worker('c-dead', { state: 'error', silent: true, reason: 'no heartbeat for 12 s: the worker may have died' }),
      worker('d-gone', { state: 'stopped', reason: 'stopped by SIGTERM' }),
    ]);
    assert.equal(fired, 1);
    const [idle, busy, dead, gone] = items();
    assert.deepEqual(
      items().map((i) => i.label),
      ['a-idle', 'b-busy', 'c-dead', 'd-gone'],
    );
    assert.equal(idle!.description, 'idle 0/4 · search, analyze');
    assert.equal(busy!.description, 'running 2/4 · search, analyze');
    assert.equal(dead!.description, 'error 0/4 · no heartbeat for 12 s: the worker may have died');
    assert.equal(gone!.description, 'stopped 0/4 · stopped by SIGTERM');
    assert.deepEqual(
      [idle, busy, dead, gone].map((i) => (i!.iconPath as ThemeIcon).id),
      ['circle-outline', 'sync~spin', 'error', 'circle-slash'],
    );
    assert.equal((dead!.iconPath as ThemeIcon).color?.id, 'errorForeground');
    assert.equal(idle!.collapsibleState, TreeItemCollapsibleState.None);
    assert.equal(busy!.collapsibleState, TreeItemCollapsibleState.Expanded);
    assert.equal(busy!.contextValue, 'worker.running');
  });

  it('names no kinds for a worker that takes every kind of task, so the sidebar does not cut the description', () => {
    tree.update([worker('w1', { capabilities: ['synthesize', 'search', 'analyze'], running: [runningTask('s1')] })]);
    assert.equal(items()[0]!.description, 'running 1/4');
    assert.ok((items()[0]!.tooltip as MarkdownString).value.includes('capabilities: synthesize, search, analyze'));
  });

  it("a worker's tooltip has its host, pid, workspace, capabilities, counts, last heartbeat and reason, as untrusted text", () => {
    tree.update([worker('w1', { state: 'error', reason: 'model [down](command:evil) *now*' })]);
    const tooltip = items()[0]!.tooltip as MarkdownString;
    assert.ok(tooltip instanceof MarkdownString);
    assert.equal(tooltip.isTrusted, false);
    assert.equal(tooltip.supportHtml, false);
    for (const part of ['host: build\\-box', 'pid: 4242', 'workspace: notes', 'capabilities: search, analyze', 'completed: 7', 'failed: 1', 'last heartbeat: 2.0 s ago']) {
      assert.ok(tooltip.value.includes(part), `"${part}" is not in the tooltip: ${tooltip.value}`);
    }
    // What a worker wrote is text: its Markdown is escaped, so no link or emphasis can be injected.
    assert.ok(tooltip.value.includes('model \\[down\\]\\(command:evil\\) \\*now\\*'), tooltip.value);
    assert.ok(!tooltip.value.includes('[down](command:evil)'));
  });

  it("a worker's children are its current tasks: id, elapsed time, retry and description, the kind as icon", () => {
    tree.update([worker('w1', { running: [runningTask('s1'), runningTask('a2', { kind: 'analyze', attempt: 3, startedAt: NOW - 65_000 })] })]);
    const [node] = tree.getChildren();
    const children = tree.getChildren(node);
    const taskItems = children.map((c) => tree.getTreeItem(c) as unknown as TreeItem);
    assert.deepEqual(
      taskItems.map((i) => [i.label, i.description]),
      [
        ['s1', '4.2 s · look for s1'],
        ['a2', '65 s · retry 2 · look for a2'],
      ],
    );
    assert.deepEqual(
      taskItems.map((i) => (i.iconPath as ThemeIcon).id),
      ['search', 'beaker'],
    );
    assert.ok((taskItems[0]!.tooltip as MarkdownString).value.includes('look for s1'));
    assert.ok((taskItems[1]!.tooltip as MarkdownString).value.includes('analyze · attempt 3'));
    assert.deepEqual(tree.getChildren(children[0]), []);
    assert.equal(tree.getParent(children[1]!), node);
  });

  it('keeps node objects across updates, drops those of workers that left, and shows nothing for an empty list', () => {
    tree.update([worker('w1'), worker('w2')]);
    const [first] = tree.getChildren();
    tree.update([worker('w1', { completed: 8 }), worker('w3')]);
    const [again] = tree.getChildren();
    assert.equal(again, first, 'the same node object, so selection and expansion survive');
    assert.deepEqual(
      items().map((i) => i.label),
      ['w1', 'w3'],
    );
    assert.equal(items()[0]!.id, 'worker/w1');
    tree.update([]);
    assert.deepEqual(tree.getChildren(), []);
    assert.equal(tree.workerCount, 0);
    assert.equal(fired, 3);
  });

  it('gives a worker that starts running tasks a new item id, so it opens expanded', () => {
    tree.update([worker('w1')]);
    const idleId = items()[0]!.id;
    tree.update([worker('w1', { running: [runningTask('s1')] })]);
    assert.notEqual(items()[0]!.id, idleId);
  });
});
