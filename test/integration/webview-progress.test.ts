/**
 * The progress panel inside a real VS Code: "Research: Show Progress" opens one panel titled
 * "Research Progress" that follows the run and survives being hidden and shown again. What the page
 * draws is checked by the UI tests and the unit tests (jsdom); here, the editor's side of it.
 *
 * Runs after research.test.ts (files run in name order) and leaves the panel open, so the harness's
 * closing screenshot shows it.
 */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { eventually } from '../support/eventually';

const QUESTION = 'How many brass lanterns does the quokka ferry protocol require on a night crossing?';
const TITLE = 'Research Progress';

interface ShowProgressResult {
  ready: boolean;
  restoredVersion?: number;
}

const showProgress = () => vscode.commands.executeCommand<ShowProgressResult>('research.showProgress');

/** Tabs holding the progress panel (VS Code prefixes an extension's view type). */
function progressTabs(): vscode.Tab[] {
  return vscode.window.tabGroups.all
    .flatMap((group) => group.tabs)
    .filter((tab) => tab.input instanceof vscode.TabInputWebview && tab.input.viewType.endsWith('research.progress'));
}

describe('Research: Show Progress', () => {
  before(async function () {
    this.timeout(120_000);
    // Open before the run, so the panel follows it from the start.
    const first = await showProgress();
    assert.equal(first?.ready, true, 'the page never said it was ready: its script did not run (CSP, resource roots?)');
    const result = await vscode.commands.executeCommand<{ outcome: string } | undefined>('research.start', QUESTION);
    assert.equal(result?.outcome, 'completed');
  });

  it('is contributed as "Research: Show Progress"', () => {
    const extension = vscode.extensions.getExtension('research-dispatcher.research-dispatcher');
    const commands: Array<{ command: string; title: string; category?: string }> = extension?.packageJSON?.contributes?.commands ?? [];
    const show = commands.find((c) => c.command === 'research.showProgress');
    assert.ok(show, 'research.showProgress is not contributed');
    assert.equal(`${show.category}: ${show.title}`, 'Research: Show Progress');
    const activation: string[] = extension?.packageJSON?.activationEvents ?? [];
    assert.ok(activation.includes('onWebviewPanel:research.progress'), 'the panel cannot be restored after a reload without this activation event');
  });

  it(`opens one panel titled "${TITLE}" after a run, however often it is asked for`, async () => {
    const shown = await showProgress();
    await showProgress();
    assert.equal(shown?.ready, true);
    await eventually('a progress panel tab', () => progressTabs().length > 0);
    const tabs = progressTabs();
    assert.equal(tabs.length, 1, `${tabs.length} progress panels`);
    assert.equal(tabs[0]?.label, TITLE);
  });

  it('survives being hidden behind an editor and comes back when shown', async () => {
    const document = await vscode.workspace.openTextDocument({ content: 'something else', language: 'plaintext' });
    await vscode.window.showTextDocument(document, { viewColumn: vscode.ViewColumn.Active, preview: false });
    await eventually('the panel to be hidden behind the editor', () => progressTabs().length === 1 && progressTabs()[0]?.isActive === false);

    const back = await showProgress();
    await eventually('the panel to come back', () => progressTabs()[0]?.isActive === true);
    assert.equal(progressTabs().length, 1, 'showing it again made a second panel');
    // Hidden, the page was torn down (no retainContextWhenHidden); shown again, it drew the run from
    // its saved state before the host sent anything.
    assert.equal(back?.ready, true, 'the page did not load again');
    assert.ok(back?.restoredVersion !== undefined && back.restoredVersion > 0, `the page restored nothing: ${JSON.stringify(back)}`);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors').then(undefined, () => undefined);
  });

  it('opens again after being closed', async () => {
    await eventually('closing the editors to close the panel', () => progressTabs().length === 0);
    const reopened = await showProgress();
    assert.equal(reopened?.ready, true);
    await eventually('one active progress panel', () => progressTabs().length === 1 && progressTabs()[0]?.isActive === true);
    // Left open for the harness's closing screenshot.
  });
});
