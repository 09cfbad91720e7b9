/**
 * Runs inside a real VS Code extension host, against the fixture workspace
 * (test/integration/fixture-workspace, copied to a temp folder by test/vscode/run.mjs).
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';

import { eventually } from '../support/eventually';
import { EXTENSION_ID } from './support';
const COMMAND = 'research.start';

/** The fixture file holding the one line the question is about, relative to the workspace folder. */
const DISTINCTIVE_FILE = 'notes/ferry-protocol.md';
const DISTINCTIVE_LINE = 'The quokka ferry protocol requires exactly seventeen brass lanterns on every night crossing';
const QUESTION = 'How many brass lanterns does the quokka ferry protocol require on a night crossing?';

interface StartResult {
  runId: string;
  reportUri: vscode.Uri;
  outcome: 'completed' | 'partial' | 'failed' | 'cancelled';
}

function workspaceRoot(): string {
  const folder = vscode.workspace.workspaceFolders?.[0];
  assert.ok(folder, 'the tests need a workspace folder (the fixture workspace)');
  return folder.uri.fsPath;
}

function outputRoot(): string {
  const configured = vscode.workspace.getConfiguration('research').get<string>('outputFolder') || '.research';
  return path.resolve(workspaceRoot(), configured);
}

/** The run folders under the output folder (empty when it does not exist yet). */
function runFolders(): string[] {
  const root = outputRoot();
  if (!fs.existsSync(root)) return [];
  return fs
    .readdirSync(root, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort();
}

/** 1-based number of the line of `file` (relative to the workspace) that equals `line`. */
function lineNumberOf(file: string, line: string): number {
  const lines = fs.readFileSync(path.join(workspaceRoot(), file), 'utf8').split(/\r?\n/);
  const index = lines.findIndex((l) => l.trim() === line);
  assert.ok(index >= 0, `fixture ${file} no longer contains the distinctive line`);
  return index + 1;
}

function samePath(a: vscode.Uri, b: vscode.Uri): boolean {
  return path.resolve(a.fsPath) === path.resolve(b.fsPath);
}

describe('Research Dispatcher extension', () => {
  it('is installed and contributes the "Research: Start" command', () => {
    const extension = vscode.extensions.getExtension(EXTENSION_ID);
    assert.ok(extension, `extension ${EXTENSION_ID} is not loaded`);
    const commands: Array<{ command: string; title: string; category?: string }> =
      extension.packageJSON?.contributes?.commands ?? [];
    const start = commands.find((c) => c.command === COMMAND);
    assert.ok(start, `${COMMAND} is not contributed`);
    const shownTitle = start.category ? `${start.category}: ${start.title}` : start.title;
    assert.equal(shownTitle, 'Research: Start');
  });

  describe(`${COMMAND} with a question about the workspace`, () => {
    let result: StartResult | undefined;
    let foldersBefore: string[] = [];

    before(async function () {
      this.timeout(120_000);
      foldersBefore = runFolders();
      result = await vscode.commands.executeCommand<StartResult>(COMMAND, QUESTION);
    });

    it('activates the extension', () => {
      const extension = vscode.extensions.getExtension(EXTENSION_ID);
      assert.ok(extension?.isActive, 'the extension is not active after running its command');
    });

    it('resolves with a run id, the report uri and outcome "completed"', () => {
      assert.ok(result, `${COMMAND} resolved to ${String(result)}`);
      assert.equal(typeof result.runId, 'string');
      assert.ok(result.runId.length > 0, 'runId is empty');
      assert.ok(result.reportUri instanceof vscode.Uri, `reportUri is not a vscode.Uri: ${JSON.stringify(result.reportUri)}`);
      assert.equal(result.outcome, 'completed');
    });

    it('writes the report to <output folder>/<runId>/report.md, in a new run folder', () => {
      assert.ok(result);
      const expected = path.join(outputRoot(), result.runId, 'report.md');
      assert.equal(path.resolve(result.reportUri.fsPath), path.resolve(expected));
      assert.ok(fs.existsSync(expected), `${expected} does not exist`);
      assert.ok(!foldersBefore.includes(result.runId), `run folder ${result.runId} existed before the run`);
      assert.ok(runFolders().includes(result.runId));
    });

    it('quotes the distinctive line and links to its line range', () => {
      assert.ok(result);
      const report = fs.readFileSync(result.reportUri.fsPath, 'utf8');
      // Quotes may be rendered as blockquotes or escaped for Markdown: compare without those marks.
      const plain = report.replace(/\\/g, '').replace(/^[ \t]*>[ \t]?/gm, '');
      assert.ok(plain.includes(DISTINCTIVE_LINE), `the report does not quote "${DISTINCTIVE_LINE}":\n${report}`);

      const line = lineNumberOf(DISTINCTIVE_FILE, DISTINCTIVE_LINE);
      const escaped = DISTINCTIVE_FILE.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      // [notes/x.md#La-Lb](../../notes/x.md#La): the text shows the range, the target opens at its first line.
      const links = [...report.matchAll(new RegExp(`\\[${escaped}#L(\\d+)-L(\\d+)\\]\\(\\.\\./\\.\\./${escaped}#L(\\d+)\\)`, 'g'))];
      assert.ok(links.length > 0, `the report has no link of the form [${DISTINCTIVE_FILE}#L<a>-L<b>](../../${DISTINCTIVE_FILE}#L<a>):\n${report}`);
      const covering = links.some(([, a, b, target]) => Number(a) <= line && line <= Number(b) && Number(a) <= Number(b) && target === a);
      assert.ok(
        covering,
        `no link to ${DISTINCTIVE_FILE} covers line ${line}; found ${links.map((m) => m[0]).join(', ')}`,
      );
    });

    it('opens the report as a Markdown document in an editor', async () => {
      assert.ok(result);
      const reportUri = result.reportUri;
      const shown = await eventually(
        'the report in an editor',
        () =>
          vscode.window.visibleTextEditors.some((e) => samePath(e.document.uri, reportUri)) ||
          (vscode.window.activeTextEditor !== undefined && samePath(vscode.window.activeTextEditor.document.uri, reportUri)),
      ).catch(() => false);
      assert.ok(
        shown,
        `the report is not in a visible editor; visible: ${vscode.window.visibleTextEditors.map((e) => e.document.uri.fsPath).join(', ') || 'none'}`,
      );
      const document = vscode.workspace.textDocuments.find((d) => samePath(d.uri, reportUri));
      assert.ok(document, 'the report is not an open text document');
      assert.equal(document.languageId, 'markdown');
    });
  });

  describe(`${COMMAND} with an empty question`, () => {
    it('does not start a run', async () => {
      const before = runFolders();
      let outcome: unknown;
      try {
        outcome = await vscode.commands.executeCommand(COMMAND, '   ');
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        assert.match(message, /empty/i, `rejected, but not saying the question is empty: ${message}`);
        outcome = undefined;
      }
      assert.equal(outcome, undefined, `resolved to ${JSON.stringify(outcome)} instead of undefined`);
      // A run folder, if one were made, would appear at once; watch briefly to be sure none does.
      const appeared = await eventually('a new run folder', () => runFolders().join('\n') !== before.join('\n'), 1_000).catch(() => false);
      assert.ok(!appeared, `a run folder appeared: ${runFolders().filter((f) => !before.includes(f)).join(', ')}`);
    });
  });
});
