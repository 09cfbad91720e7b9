import * as assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RunViewSnapshot } from '../../../src/core/run-view';
import { PageMessageHandler, type PanelEffects } from '../../../src/extension/webview/page-messages';
import type { RunManagerApi } from '../../../src/extension/webview/run-source';
import { researchShaped, snapshotOf } from './fixtures';

/** A run source and editor effects that record what they were asked to do. */
function setup(snapshot: RunViewSnapshot | undefined, roots: string[] = [], instruction?: string) {
  const calls: string[] = [];
  const warnings: string[] = [];
  const runs: RunManagerApi = {
    snapshot,
    onDidChange: () => ({ dispose: () => undefined }),
    cancelRun: () => void calls.push('cancelRun'),
    cancelTask: (id) => void calls.push(`cancelTask ${id}`),
    retryTask: (id) => void calls.push(`retryTask ${id}`),
    replan: async (text) => {
      calls.push(`replan ${text}`);
      if (text === 'fail') throw new Error('the planner refused');
    },
    openReport: async () => void calls.push('openReport'),
  };
  const effects: PanelEffects = {
    pageReady: (restored) => void calls.push(`ready ${restored}`),
    askReplanInstruction: async () => instruction,
    workspaceRoots: () => roots,
    openFile: async (file, start, end) => void calls.push(`openFile ${file} ${start}-${end}`),
    openExternal: async (url) => void calls.push(`openExternal ${url}`),
    showWarning: (message) => void warnings.push(message),
    log: { warn: (message) => void warnings.push(message), error: (message) => void warnings.push(message) },
  };
  return { handler: new PageMessageHandler(runs, effects), calls, warnings };
}

describe('progress panel: the host answering the page', () => {
  const snapshot = snapshotOf(researchShaped(2));

  it('passes the person’s gestures on to the run', async () => {
    const { handler, calls } = setup(snapshot, [], '  also the tests  ');
    for (const message of [
      { type: 'ready', restoredVersion: 4 },
      { type: 'cancelRun' },
      { type: 'cancelTask', taskId: 'search-1' },
      { type: 'retryTask', taskId: 'analyze' },
      { type: 'replan' },
      { type: 'openReport' },
    ]) {
      await handler.receive(message);
    }
    assert.deepEqual(calls, ['ready 4', 'cancelRun', 'cancelTask search-1', 'retryTask analyze', 'replan also the tests', 'openReport']);
  });

  it('ignores and logs invalid messages', async () => {
    const { handler, calls, warnings } = setup(snapshot);
    for (const message of [undefined, 'cancelRun', { type: 'cancelRun', now: true }, { type: 'exec', command: 'rm' }, { type: 'cancelTask', taskId: 3 }]) {
      await handler.receive(message);
    }
    assert.deepEqual(calls, []);
    assert.equal(warnings.length, 5);
    assert.ok(warnings.every((w) => /ignored an invalid message/.test(w)), warnings.join('\n'));
  });

  it('does not act on a task the run does not have', async () => {
    const { handler, calls, warnings } = setup(snapshot);
    await handler.receive({ type: 'cancelTask', taskId: 'search-99' });
    await handler.receive({ type: 'retryTask', taskId: 'search-99' });
    assert.deepEqual(calls, []);
    assert.match(warnings.join('\n'), /no task "search-99"/);
  });

  it('does not replan when the person cancels the question, and says so when replanning fails', async () => {
    const cancelled = setup(snapshot, [], undefined);
    await cancelled.handler.receive({ type: 'replan' });
    assert.deepEqual(cancelled.calls, []);
    const failing = setup(snapshot, [], 'fail');
    await failing.handler.receive({ type: 'replan' });
    assert.deepEqual(failing.calls, ['replan fail']);
    assert.match(failing.warnings.join('\n'), /the planner refused/);
  });

  describe('links', () => {
    let dir: string;
    let root: string;
    let reportPath: string;
    before(() => {
      dir = mkdtempSync(join(tmpdir(), 'page-messages-'));
      root = join(dir, 'ws');
      mkdirSync(join(root, 'src'), { recursive: true });
      mkdirSync(join(root, '.research', 'run-1'), { recursive: true });
      writeFileSync(join(root, 'src', 'a.ts'), 'one\ntwo\nthree\n');
      writeFileSync(join(dir, 'outside.txt'), 'secret\n');
      reportPath = join(root, '.research', 'run-1', 'report.md');
    });
    after(() => rmSync(dir, { recursive: true, force: true }));

    it('opens a cited file inside the workspace at its lines', async () => {
      const { handler, calls } = setup({ ...snapshot, reportPath }, [root]);
      await handler.receive({ type: 'openSource', path: '../../src/a.ts', startLine: 2, endLine: 3 });
      assert.deepEqual(calls, [`openFile ${join(root, 'src', 'a.ts')} 2-3`]);
    });

    it('refuses paths out of the workspace, absolute paths and anything with a scheme', async () => {
      const { handler, calls, warnings } = setup({ ...snapshot, reportPath }, [root]);
      for (const path of ['../../../outside.txt', join(dir, 'outside.txt'), 'javascript:alert(1)', 'file:///etc/passwd', '//host/share/x']) {
        await handler.receive({ type: 'openSource', path });
      }
      assert.deepEqual(calls, []);
      assert.equal(warnings.filter((w) => /refused to open/.test(w)).length, 5, warnings.join('\n'));
    });

    it('opens nothing before the run has a report', async () => {
      const { handler, calls } = setup(snapshot, [root]);
      await handler.receive({ type: 'openSource', path: '../../src/a.ts' });
      assert.deepEqual(calls, []);
    });

    it('opens http(s) pages only', async () => {
      const { handler, calls } = setup(snapshot);
      for (const url of ['https://example.com/a', 'javascript:alert(1)', 'file:///etc/passwd', 'command:workbench.action.quit', 'https://u:p@example.com/']) {
        await handler.receive({ type: 'openExternal', url });
      }
      assert.deepEqual(calls, ['openExternal https://example.com/a']);
    });
  });
});
