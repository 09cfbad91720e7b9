/**
 * Steering a run in the real VS Code: the plan reviewed before it runs (research.reviewPlan), the
 * report exported as HTML.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { ExtensionTestApi } from '../../src/extension/extension';
import type { StartResult } from '../../src/extension/run-manager';
import { eventually } from '../support/eventually';
import { api } from './support';

async function setSetting(key: string, value: unknown): Promise<void> {
  await vscode.workspace.getConfiguration('research').update(key, value, vscode.ConfigurationTarget.Workspace);
}

/** The plan the run's journal holds last (a follow-up's session journals its plan again). */
function journalPlan(result: StartResult): { id: string; description: string }[] {
  const records = fs.readFileSync(path.join(path.dirname(result.reportUri.fsPath), 'journal.jsonl'), 'utf8').trim().split('\n').map((line) => JSON.parse(line));
  return records.filter((r) => r.type === 'run:start' || r.type === 'run:replan').at(-1).plan.tasks;
}

describe('Steering a run in VS Code', function () {
  this.timeout(90_000);
  let research: ExtensionTestApi;

  before(async () => {
    research = await api();
    await setSetting('reviewPlan', 'always');
  });
  after(() => setSetting('reviewPlan', undefined));

  it('shows the plan as Planned tasks; a task edited, a search added, a task removed, then Run Plan runs what was approved', async () => {
    const started = vscode.commands.executeCommand<StartResult>('research.start', 'Where are the spring tide tables pinned?');
    const review = await eventually('the plan to wait for review', () => research.runs.review);
    await eventually('the tree to show the plan', () => research.taskTree.getChildren().length > 0);
    const groups = research.taskTree.getChildren();
    assert.deepEqual(groups.map((g) => research.taskTree.getTreeItem(g).label), ['Planned']);
    assert.equal(research.contextKeys.current()['research.reviewing'], true);
    assert.equal(research.contextKeys.current()['research.canReplan'], false, 'nothing runs yet');
    const item = research.taskTree.getTreeItem(research.taskTree.getChildren(groups[0])[0]!);
    assert.equal(item.contextValue, 'task.planned', 'the inline Edit and Remove actions show on it');

    const searches = review.plan.tasks.filter((t) => t.kind === 'search');
    assert.equal(await vscode.commands.executeCommand('research.plan.editTask', searches[0]!.id, { description: 'Find where the tables hang' }), true);
    assert.equal(await vscode.commands.executeCommand('research.plan.editTask', searches[0]!.id, { description: '  ' }), false, 'an empty description is refused');
    assert.equal(review.plan.tasks.find((t) => t.id === searches[0]!.id)!.description, 'Find where the tables hang');
    const added = await vscode.commands.executeCommand<string>('research.plan.addSearch', 'brass lanterns');
    assert.ok(added);
    assert.equal(await vscode.commands.executeCommand('research.plan.removeTask', searches[1]!.id), true);
    await eventually('the tree to follow the edits', () => research.taskTree.getChildren(research.taskTree.getChildren()[0]).length === review.plan.tasks.length);

    await vscode.commands.executeCommand('research.plan.run');
    const result = await started;
    assert.equal(result?.outcome, 'completed');
    const ran = journalPlan(result!);
    assert.ok(ran.some((t) => t.id === added));
    assert.ok(!ran.some((t) => t.id === searches[1]!.id));
    assert.equal(ran.find((t) => t.id === searches[0]!.id)!.description, 'Find where the tables hang');
    assert.equal(research.contextKeys.current()['research.reviewing'], false);
  });

  it('Discard Plan ends the run before anything ran: no run folder, the views go back', async () => {
    const outputRoot = path.join(vscode.workspace.workspaceFolders![0]!.uri.fsPath, '.research');
    const before = fs.existsSync(outputRoot) ? fs.readdirSync(outputRoot).length : 0;
    const started = vscode.commands.executeCommand<StartResult>('research.start', 'How many brass lanterns are needed?');
    await eventually('the plan to wait for review', () => research.runs.review);
    await vscode.commands.executeCommand('research.plan.discard');
    assert.equal(await started, undefined);
    assert.equal(fs.existsSync(outputRoot) ? fs.readdirSync(outputRoot).length : 0, before);
    assert.equal(research.runs.review, undefined);
  });

  it('Export Report… writes a self-contained HTML report beside report.md', async () => {
    await setSetting('reviewPlan', 'never');
    const result = await vscode.commands.executeCommand<StartResult>('research.start', 'How many brass lanterns does the quokka ferry protocol require?');
    await setSetting('reviewPlan', 'always');
    assert.ok(result);
    const html = await vscode.commands.executeCommand<vscode.Uri>('research.exportReport', result.reportUri);
    assert.ok(html);
    assert.equal(html.fsPath, path.join(path.dirname(result.reportUri.fsPath), 'report.html'));
    const text = fs.readFileSync(html.fsPath, 'utf8');
    assert.match(text, /<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">/);
    assert.match(text, /<h1>How many brass lanterns does the quokka ferry protocol require\?<\/h1>/);
    assert.match(text, /<a href="\.\.\/\.\.\/notes\/[^"]+#L\d+">/, 'citations link to the files');
    assert.doesNotMatch(text, /<script/i);
  });

  it('Ask a Follow-up… on a finished run keeps its evidence, runs only the new round, and writes the report again with the follow-up', async () => {
    await setSetting('reviewPlan', 'never');
    try {
      const first = await vscode.commands.executeCommand<StartResult>('research.start', 'Where are the spring tide tables pinned?');
      assert.equal(first?.outcome, 'completed');
      const before = new Set(journalPlan(first!).map((t) => t.id));
      const again = await vscode.commands.executeCommand<StartResult>('research.followUp', first!.runId, 'How many brass lanterns are required?');
      assert.equal(again?.outcome, 'completed');
      assert.equal(again?.runId, first!.runId, 'the same run, a new round');
      const report = fs.readFileSync(again!.reportUri.fsPath, 'utf8');
      assert.match(report, /^## Follow-up: How many brass lanterns are required\?$/m);
      assert.match(report, /seventeen brass lanterns/);
      const plan = journalPlan(again!);
      assert.ok(plan.length > before.size);
      const snapshot = research.runs.snapshot!;
      const ran = snapshot.tasks.filter((t) => t.attempts > 0).map((t) => t.id);
      assert.ok(ran.length > 0 && ran.every((id) => !before.has(id)), `ran again: ${ran.join(', ')}`);
    } finally {
      await setSetting('reviewPlan', 'always');
    }
  });
});
