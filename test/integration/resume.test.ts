/**
 * Research: Resume inside a real VS Code: a run left behind by a crash (a journal with no end, a
 * run.json saying "running", no live process) is continued without redoing its finished task.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { eventually } from '../support/eventually';
import { plantInterruptedRun } from '../support/interrupted-run';

import { EXTENSION_ID } from './support';

function outputRoot(): string {
  const folder = vscode.workspace.workspaceFolders?.[0];
  assert.ok(folder, 'the tests need a workspace folder');
  const configured = vscode.workspace.getConfiguration('research').get<string>('outputFolder') || '.research';
  return path.resolve(folder.uri.fsPath, configured);
}

/** Writes what a run killed after its first task leaves behind. */
function leaveInterruptedRun(runId: string): string {
  const dir = path.join(outputRoot(), runId);
  plantInterruptedRun(vscode.workspace.workspaceFolders![0]!.uri.fsPath, dir, runId);
  return dir;
}

describe('Research: Resume and history', () => {
  it('contributes "Research: Resume…" and "Research: Show History"', () => {
    const commands: Array<{ command: string; title: string; category?: string }> =
      vscode.extensions.getExtension(EXTENSION_ID)?.packageJSON?.contributes?.commands ?? [];
    const titles = commands.map((c) => `${c.category}: ${c.title}`);
    assert.ok(titles.includes('Research: Resume…'), titles.join(', '));
    assert.ok(titles.includes('Research: Show History'), titles.join(', '));
  });

  it('continues an interrupted run: its finished task is not run again, and the report is written', async function () {
    this.timeout(60_000);
    const runId = '20260101-000000-c0de';
    const dir = leaveInterruptedRun(runId);
    const result = await vscode.commands.executeCommand<{ runId: string; reportUri: vscode.Uri; outcome: string }>('research.resume', runId);
    assert.ok(result, 'research.resume resolved to nothing');
    assert.equal(result.outcome, 'completed');
    assert.equal(path.resolve(result.reportUri.fsPath), path.resolve(path.join(dir, 'report.md')));
    assert.ok(fs.existsSync(result.reportUri.fsPath));

    const lines = fs.readFileSync(path.join(dir, 'journal.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    const resumeAt = lines.findIndex((r) => r.type === 'resume');
    assert.ok(resumeAt > 0, 'a resume record was appended (after the torn line was cut off)');
    assert.deepEqual(lines[resumeAt]!.restored, ['first']);
    const after = lines.slice(resumeAt);
    assert.ok(!after.some((r) => r.type === 'task:state' && r.taskId === 'first' && r.to === 'RUNNING'), 'the finished task did not run again');
    assert.ok(after.some((r) => r.type === 'task:result' && r.taskId === 'second'));
    assert.equal(lines.at(-1)!.type, 'run:end');
    assert.equal(JSON.parse(fs.readFileSync(path.join(dir, 'run.json'), 'utf8')).outcome, 'completed');
    assert.ok(!fs.existsSync(path.join(dir, 'lock')), 'the lock is released');
  });

  it('a run.json naming a report path outside its folder cannot make the resume write there', async function () {
    this.timeout(60_000);
    const runId = '20260101-000001-0dd5';
    const dir = leaveInterruptedRun(runId);
    const victim = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'rd-victim-')), 'victim.txt');
    fs.writeFileSync(victim, 'precious\n');
    const meta = JSON.parse(fs.readFileSync(path.join(dir, 'run.json'), 'utf8')) as Record<string, unknown>;
    fs.writeFileSync(path.join(dir, 'run.json'), JSON.stringify({ ...meta, reportPath: victim }));
    const result = await vscode.commands.executeCommand<{ reportUri: vscode.Uri; outcome: string }>('research.resume', runId);
    assert.ok(result, 'research.resume resolved to nothing');
    assert.equal(path.resolve(result.reportUri.fsPath), path.resolve(path.join(dir, 'report.md')));
    assert.equal(fs.readFileSync(victim, 'utf8'), 'precious\n', 'the file run.json named is untouched');
  });

  it('says when there is no such run, and starts nothing', async () => {
    const before = fs.existsSync(outputRoot()) ? fs.readdirSync(outputRoot()).sort() : [];
    const result = await vscode.commands.executeCommand('research.resume', '20260101-000000-none');
    assert.equal(result, undefined);
    const after = fs.existsSync(outputRoot()) ? fs.readdirSync(outputRoot()).sort() : [];
    assert.deepEqual(after, before);
  });

  it('Show History lists the runs and opens the chosen run’s report', async function () {
    this.timeout(30_000);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    const activePath = () => vscode.window.activeTextEditor?.document.uri.fsPath ?? '';
    assert.equal(activePath(), '');
    const shown = vscode.commands.executeCommand('research.showHistory');
    // The QuickPick cannot be observed from here; give it a moment to appear, then accept its first row.
    await new Promise((resolve) => setTimeout(resolve, 1500));
    await vscode.commands.executeCommand('workbench.action.acceptSelectedQuickOpenItem');
    await shown;
    const isReport = (file: string) => file.startsWith(outputRoot()) && file.endsWith('report.md');
    await eventually('the report as the active editor', () => isReport(activePath()), 10_000).catch(() => undefined);
    assert.ok(isReport(activePath()), `the active editor is ${activePath() || 'none'}`);
  });
});
