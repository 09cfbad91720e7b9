/**
 * The VS Code experience, driven through the real API inside the extension host: commands and their
 * context keys, cancel / retry / replan on runs of simulated plans, live settings, the task tree and
 * the task documents. Plans with `simulate` tasks make the timing independent of the machine.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { RunViewSnapshot, TaskView } from '../../src/core/run-view';
import type { ExtensionTestApi as ResearchTestApi } from '../../src/extension/extension';
import type { StartResult } from '../../src/extension/run-manager';
import { eventually } from '../support/eventually';
import { api, EXTENSION_ID } from './support';

function taskIn(snapshot: RunViewSnapshot | undefined, id: string): TaskView | undefined {
  return snapshot?.tasks.find((t) => t.id === id);
}

/** A task that takes `ms` per attempt and needs no provider. */
function simulated(id: string, ms: number) {
  return { id, kind: 'search', description: `simulated task ${id}`, simulate: { ms } };
}

async function setSetting(key: string, value: unknown): Promise<void> {
  await vscode.workspace.getConfiguration('research').update(key, value, vscode.ConfigurationTarget.Workspace);
}

describe('Research commands, tree and run manager', function () {
  this.timeout(90_000);
  let research: ResearchTestApi;

  before(async () => {
    research = await api();
    await setSetting('maxRetries', 0);
  });

  after(async () => {
    await setSetting('maxRetries', undefined);
    await setSetting('concurrency', undefined);
  });

  it('contributes every command under the category "Research", and registers them', async () => {
    const extension = vscode.extensions.getExtension(EXTENSION_ID)!;
    const contributed: Array<{ command: string; title: string; category?: string }> = extension.packageJSON.contributes.commands;
    const titles = contributed.map((c) => `${c.category}: ${c.title}`);
    for (const title of ['Research: Start', 'Research: Cancel', 'Research: Replan', 'Research: Retry Task', 'Research: Cancel Task', 'Research: Open Report', 'Research: Show Progress']) {
      assert.ok(titles.includes(title), `"${title}" is not contributed; found ${titles.join(', ')}`);
    }
    const registered = await vscode.commands.getCommands(true);
    for (const { command } of contributed) {
      assert.ok(registered.includes(command), `${command} is contributed but not registered`);
    }
  });

  it('hides commands that make no sense: palette when-clauses use the context keys', () => {
    const extension = vscode.extensions.getExtension(EXTENSION_ID)!;
    const palette: Array<{ command: string; when: string }> = extension.packageJSON.contributes.menus.commandPalette;
    const when = (command: string) => palette.find((m) => m.command === command)?.when;
    assert.equal(when('research.cancel'), 'research.running');
    assert.equal(when('research.replan'), 'research.canReplan');
    assert.equal(when('research.openReport'), 'research.hasReport');
    assert.equal(when('research.retryTask'), 'research.hasRetryableTasks');
    assert.equal(when('research.cancelTask'), 'research.hasCancellableTasks');
    assert.equal(when('research.showTask'), 'false');
  });

  describe('a run of a simulated plan: cancel one task, retry a failed one', () => {
    let result: StartResult | undefined;
    let during: Record<string, boolean> = {};
    let groupsDuring: string[] = [];
    let snapshotAfterCancel: RunViewSnapshot | undefined;

    before(async function () {
      this.timeout(60_000);
      const plan = {
        question: 'How does a simulated plan behave when one task is cancelled and another retried?',
        tasks: [
          simulated('slow', 30_000),
          { ...simulated('after-slow', 10), dependsOn: ['slow'], kind: 'analyze' },
          { ...simulated('flaky', 20), simulate: { ms: 20, failTimes: 1 } },
          simulated('hold', 2_500),
          { ...simulated('sub-of-hold', 2_400), parent: 'hold' },
        ],
      };
      const running = vscode.commands.executeCommand<StartResult>('research.start', { plan });
      await eventually('flaky to fail and slow to run', () => {
        const s = research.runs.snapshot;
        return taskIn(s, 'flaky')?.state === 'FAILED' && taskIn(s, 'slow')?.state === 'RUNNING';
      });
      await new Promise((resolve) => setTimeout(resolve, 250)); // one coalescing interval for the keys
      during = research.contextKeys.current();
      groupsDuring = research.taskTree.getChildren().map((node) => (node.type === 'group' ? node.group : node.taskId));
      await vscode.commands.executeCommand('research.cancelTask', 'slow');
      snapshotAfterCancel = research.runs.snapshot;
      await vscode.commands.executeCommand('research.retryTask', { taskId: 'flaky' });
      result = await running;
    });

    it('sets the context keys while it runs', () => {
      assert.equal(during['research.running'], true);
      assert.equal(during['research.hasRun'], true);
      assert.equal(during['research.canReplan'], true);
      assert.equal(during['research.hasCancellableTasks'], true);
      assert.equal(during['research.hasRetryableTasks'], true);
      assert.equal(during['research.hasReport'], false);
    });

    it('shows the tasks in the tree grouped by state, only non-empty groups, in order', () => {
      assert.ok(groupsDuring.includes('running'), `groups: ${groupsDuring.join(', ')}`);
      assert.ok(groupsDuring.includes('failed'), `groups: ${groupsDuring.join(', ')}`);
      assert.ok(groupsDuring.indexOf('running') < groupsDuring.indexOf('failed'));
      assert.ok(!groupsDuring.includes('completed') || groupsDuring.indexOf('completed') < groupsDuring.indexOf('failed'));
    });

    it('Cancel Task cancels the task and what depends on it, at once', () => {
      assert.equal(taskIn(snapshotAfterCancel, 'slow')?.state, 'CANCELLED');
      assert.equal(taskIn(snapshotAfterCancel, 'after-slow')?.state, 'CANCELLED');
      assert.match(taskIn(snapshotAfterCancel, 'after-slow')?.reason ?? '', /"slow".*cancelled/);
    });

    it('Retry Task runs the failed task again and it completes', () => {
      const flaky = taskIn(research.runs.snapshot, 'flaky');
      assert.equal(flaky?.state, 'COMPLETED');
      assert.equal(flaky?.attempts, 2);
    });

    it('ends "partial" with the report written, and flips the context keys back', () => {
      assert.ok(result, 'research.start resolved to nothing');
      assert.equal(result.outcome, 'partial');
      assert.ok(fs.existsSync(result.reportUri.fsPath));
      const keys = research.contextKeys.current();
      assert.equal(keys['research.running'], false);
      assert.equal(keys['research.canReplan'], false);
      assert.equal(keys['research.hasReport'], true);
      assert.equal(research.runs.snapshot?.reportPath, result.reportUri.fsPath);
      assert.match(research.runs.snapshot?.reportMarkdown ?? '', /^# /m);
    });

    it('nests a subtask under its parent when both are in the same group', () => {
      const completed = research.taskTree.getChildren().find((n) => n.type === 'group' && n.group === 'completed');
      assert.ok(completed, 'no "completed" group');
      const top = research.taskTree.getChildren(completed).map((n) => (n.type === 'task' ? n.taskId : ''));
      assert.ok(top.includes('hold') && !top.includes('sub-of-hold'), `top level of completed: ${top.join(', ')}`);
      const children = research.taskTree.getChildren(research.taskTree.nodeFor('hold')).map((n) => (n.type === 'task' ? n.taskId : ''));
      assert.deepEqual(children, ['sub-of-hold']);
      const item = research.taskTree.getTreeItem(research.taskTree.nodeFor('flaky'));
      assert.equal(item.contextValue, 'task.completed');
      assert.match(String(item.description), /s/);
    });

    it('selecting a task shows its page: state, attempts, inputs and result or error', async () => {
      // What a click does: select the row, then run the item's command (which shows the selected task).
      await vscode.commands.executeCommand('research.tasks.focus');
      await research.treeView.reveal(research.taskTree.nodeFor('after-slow'), { select: true, focus: true });
      const item = research.taskTree.getTreeItem(research.taskTree.nodeFor('after-slow'));
      assert.equal(item.command?.command, 'research.showTask');
      await eventually('the selection to reach the extension', () => research.treeView.selection.length > 0 || undefined, 5_000);
      await vscode.commands.executeCommand(item.command.command);
      const editor = await eventually('the task page', () => {
        const e = vscode.window.activeTextEditor;
        return e?.document.uri.scheme === 'research-task' ? e : undefined;
      });
      const text = editor.document.getText();
      assert.match(text, /^# after-slow · analyze/m);
      assert.match(text, /\| cancelled \|/);
      assert.match(text, /## Inputs[\s\S]*\*\*slow\*\* \(cancelled\)/);
      assert.match(text, /## Why it did not finish[\s\S]*"slow"/);
      assert.equal(editor.document.languageId, 'markdown');
    });

    it('Open Report opens the report', async () => {
      await vscode.commands.executeCommand('workbench.action.closeAllEditors');
      await vscode.commands.executeCommand('research.openReport');
      const editor = await eventually('the report editor', () => vscode.window.activeTextEditor);
      assert.equal(path.resolve(editor.document.uri.fsPath), path.resolve(result!.reportUri.fsPath));
    });
  });

  it('Cancel stops the run: outcome "cancelled", and a partial report is written', async () => {
    const plan = { question: 'Can a run be cancelled?', tasks: [simulated('quick', 10), { ...simulated('long-1', 30_000), dependsOn: ['quick'] }, simulated('long-2', 30_000)] };
    const running = vscode.commands.executeCommand<StartResult>('research.start', { plan });
    await eventually('quick to complete', () => taskIn(research.runs.snapshot, 'quick')?.state === 'COMPLETED');
    await eventually('long tasks to run', () => taskIn(research.runs.snapshot, 'long-1')?.state === 'RUNNING');
    await vscode.commands.executeCommand('research.cancel');
    const result = await running;
    assert.equal(result?.outcome, 'cancelled');
    const report = fs.readFileSync(result!.reportUri.fsPath, 'utf8');
    assert.match(report, /cancel/i);
    assert.equal(taskIn(research.runs.snapshot, 'quick')?.state, 'COMPLETED', 'finished work stays finished');
    assert.equal(research.contextKeys.current()['research.running'], false);
  });

  it('a change of research.concurrency reaches the running dispatcher', async () => {
    await setSetting('concurrency', 2);
    const plan = { question: 'Does concurrency change live?', tasks: Array.from({ length: 8 }, (_, i) => simulated(`t${i}`, 30_000)) };
    const running = vscode.commands.executeCommand<StartResult>('research.start', { plan });
    await eventually('two tasks running', () => research.runs.snapshot?.counts.RUNNING === 2);
    assert.equal(research.runs.snapshot?.concurrency, 2);
    await setSetting('concurrency', 5);
    await eventually('five tasks running', () => research.runs.snapshot?.counts.RUNNING === 5);
    assert.equal(research.runs.snapshot?.concurrency, 5);
    await vscode.commands.executeCommand('research.cancel');
    assert.equal((await running)?.outcome, 'cancelled');
    await setSetting('concurrency', undefined);
  });

  it('Replan keeps completed tasks and adds the new plan\'s tasks', async () => {
    const plan = {
      question: 'How many brass lanterns does the quokka ferry protocol require?',
      tasks: [
        { id: 'search-1', kind: 'search', description: 'Find the lantern rule', query: 'brass lanterns ferry' },
        { ...simulated('search-2', 4_000), description: 'A slow search' },
      ],
    };
    const running = vscode.commands.executeCommand<StartResult>('research.start', { plan });
    await eventually('search-1 to complete', () => taskIn(research.runs.snapshot, 'search-1')?.state === 'COMPLETED');
    const before = research.runs.snapshot!;
    await vscode.commands.executeCommand('research.replan', 'night crossing rules');
    const after = await eventually('the replan to show', () => {
      const s = research.runs.snapshot;
      return s && s.tasks.length > before.tasks.length ? s : undefined;
    });
    const kept = taskIn(after, 'search-1');
    assert.equal(kept?.state, 'COMPLETED');
    assert.equal(kept?.attempts, 1, 'the completed task did not run again');
    assert.ok(after.notices.some((n) => /Replanned/.test(n.message)), `notices: ${JSON.stringify(after.notices)}`);
    const result = await running;
    assert.ok(result && result.outcome !== 'failed', `outcome ${result?.outcome}`);
    assert.equal(taskIn(research.runs.snapshot, 'search-1')?.attempts, 1);
  });

  it('a 500-task run updates the tree a bounded number of times', async () => {
    const tasks = Array.from({ length: 500 }, (_, i) => ({
      ...simulated(`t${i}`, 5 + (i % 7) * 5),
      dependsOn: i >= 20 ? [`t${i - 20}`] : [],
    }));
    await setSetting('concurrency', 16);
    let refreshes = 0;
    const redraws = research.taskTree.onDidChangeTreeData(() => refreshes++);
    let events = 0;
    const listener = research.runs.onDidChange(() => events++);
    const started = Date.now();
    const result = await vscode.commands.executeCommand<StartResult>('research.start', { plan: { question: 'Five hundred tasks?', tasks } });
    const elapsed = Date.now() - started;
    listener.dispose();
    redraws.dispose();
    await setSetting('concurrency', undefined);
    assert.equal(result?.outcome, 'completed');
    // At most one coalesced change per 100 ms (plus the start and the end), and a tick per second.
    const bound = Math.ceil(elapsed / 100) + Math.ceil(elapsed / 1000) + 5;
    assert.ok(events <= Math.ceil(elapsed / 100) + 5, `${events} change events in ${elapsed} ms`);
    assert.ok(refreshes <= bound, `${refreshes} tree refreshes in ${elapsed} ms (bound ${bound}) for 500 tasks`);
    const groups = research.taskTree.getChildren();
    assert.equal(groups.length, 1);
    assert.equal(research.taskTree.getTreeItem(groups[0]!).description, '500');
  });

  it('a citation link of the report opens its file at the cited lines', async () => {
    const result = await vscode.commands.executeCommand<StartResult>('research.start', 'How many brass lanterns does the quokka ferry protocol require?');
    assert.ok(result);
    const report = fs.readFileSync(result.reportUri.fsPath, 'utf8');
    const link = /\]\((\.\.\/[^)#]+)#L(\d+)\)/.exec(report);
    assert.ok(link, 'the report has no citation link of the form ](path#L<line>)');
    const [, href, start] = link;
    // What the Markdown preview and the editor's link provider do with a link: resolve it against the
    // report's folder and open it, fragment included (the UI tests click one in the preview).
    const target = vscode.Uri.joinPath(vscode.Uri.file(path.dirname(result.reportUri.fsPath)), decodeURIComponent(href!)).with({ fragment: `L${start}` });
    await vscode.commands.executeCommand('vscode.open', target);
    const editor = await eventually('the cited file', () => {
      const e = vscode.window.activeTextEditor;
      return e && path.resolve(e.document.uri.fsPath) === path.resolve(target.fsPath) ? e : undefined;
    });
    assert.equal(editor.selection.start.line + 1, Number(start), 'the editor opens at the first cited line');
  });
});
