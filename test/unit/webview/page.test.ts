/**
 * The page script as the webview runs it: bundled by esbuild as for the extension, evaluated in jsdom
 * over the panel's real HTML with a stand-in for `acquireVsCodeApi`.
 */
import * as assert from 'node:assert/strict';
import { join } from 'node:path';
import * as esbuild from 'esbuild';
import { JSDOM, VirtualConsole } from 'jsdom';
import { buildPanelHtml } from '../../../src/extension/webview/html';
import type { HostMessage, PageMessage } from '../../../src/shared/protocol';
import { researchShaped, snapshotOf } from './fixtures';

const repo = join(__dirname, '../../..');
let bundle: string;

interface Page {
  dom: JSDOM;
  /** What the page logged as warnings. */
  warnings: string[];
  posted: PageMessage[];
  saved: unknown[];
  send(message: HostMessage | unknown): Promise<void>;
  text(id: string): string;
}

/** Loads the page with `state` as what getState returns, as after a hide or a reload. */
async function openPage(state?: unknown): Promise<Page> {
  const html = buildPanelHtml({ cspSource: 'https://webview.test', nonce: 'testNonce0123456789abc', scriptUri: 'https://webview.test/p.js', styleUri: 'https://webview.test/p.css' });
  const warnings: string[] = [];
  const virtualConsole = new VirtualConsole();
  virtualConsole.on('warn', (message: unknown) => warnings.push(String(message)));
  virtualConsole.on('jsdomError', (error: Error) => warnings.push(`jsdom: ${error.message}`));
  const dom = new JSDOM(html, { url: 'https://webview.test/', runScripts: 'outside-only', pretendToBeVisual: true, virtualConsole });
  const posted: PageMessage[] = [];
  const saved: unknown[] = [];
  // Messages cross from the page's realm as they would cross to the host: as plain JSON.
  const plain = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;
  const window = dom.window as unknown as Record<string, unknown>;
  window.acquireVsCodeApi = () => ({ postMessage: (m: PageMessage) => posted.push(plain(m)), getState: () => state, setState: (s: unknown) => saved.push(plain(s)) });
  // Browsers have these; jsdom does not.
  window.structuredClone = structuredClone;
  window.ResizeObserver = class {
    observe(): void {}
    disconnect(): void {}
  };
  dom.window.eval(bundle);
  const frame = () => new Promise<void>((resolve) => dom.window.requestAnimationFrame(() => resolve()));
  return {
    dom,
    warnings,
    posted,
    saved,
    async send(message) {
      dom.window.dispatchEvent(new dom.window.MessageEvent('message', { data: message }));
      await frame();
    },
    text: (id) => dom.window.document.getElementById(id)?.textContent ?? '',
  };
}

describe('progress panel page script', () => {
  before(async function () {
    this.timeout(60_000);
    const result = await esbuild.build({
      entryPoints: [join(repo, 'src/webview/progress/main.ts')],
      bundle: true,
      write: false,
      platform: 'browser',
      format: 'iife',
      target: 'es2022',
      tsconfig: join(repo, 'src/webview/tsconfig.json'),
      logLevel: 'silent',
    });
    bundle = result.outputFiles[0]!.text;
  });

  after(() => esbuild.stop());

  let page: Page | undefined;
  afterEach(() => {
    page?.dom.window.close();
    page = undefined;
  });

  it('says it is ready, then draws the snapshots the host sends and saves them', async () => {
    page = await openPage();
    assert.deepEqual(page.posted, [{ type: 'ready' }]);
    assert.match(page.text('question'), /No research run yet/);
    const snapshot = snapshotOf(researchShaped(3), { version: 7, question: 'Where are lanterns counted?' });
    snapshot.tasks[0]!.state = 'COMPLETED';
    snapshot.counts = { ...snapshot.counts, WAITING: 4, COMPLETED: 1 };
    await page.send({ type: 'snapshot', snapshot });
    assert.equal(page.text('question'), 'Where are lanterns counted?');
    assert.match(page.text('counts'), /5 tasks.*4 waiting.*1 completed/);
    assert.equal(page.dom.window.document.querySelectorAll('#graph .node').length, 5);
    const last = page.saved.at(-1) as { snapshot?: { version: number } };
    assert.equal(last.snapshot?.version, 7);
  });

  it('ignores a message that is not a valid snapshot', async () => {
    page = await openPage();
    await page.send({ type: 'snapshot', snapshot: { question: '<img src=x onerror=alert(1)>' } });
    await page.send({ type: 'html', html: '<script>alert(1)</script>' });
    assert.match(page.text('question'), /No research run yet/);
    assert.equal(page.dom.window.document.querySelectorAll('img').length, 0);
    assert.deepEqual(page.saved, []);
    assert.equal(page.warnings.filter((w) => /ignored an invalid message/.test(w)).length, 2);
  });

  it('draws the saved run before the host says anything, and tells the host which version it restored', async () => {
    const snapshot = snapshotOf(researchShaped(2, 'COMPLETED'), { version: 12, status: 'ended', outcome: 'completed', endedAt: 1_700_000_002_000, reportMarkdown: '# Lanterns\n\nSeventeen.' });
    page = await openPage({ snapshot, selectedTaskId: 'analyze' });
    assert.deepEqual(page.posted, [{ type: 'ready', restoredVersion: 12 }]);
    assert.equal(page.text('question'), 'How are retries handled?');
    assert.equal(page.dom.window.document.querySelector('#report h1')?.textContent, 'Lanterns');
    assert.match(page.text('task-details'), /analyze/);
  });

  it('marks a restored run that the host no longer has, and stops offering to cancel it', async () => {
    const snapshot = snapshotOf(researchShaped(2, 'RUNNING'), { version: 3, status: 'running' });
    page = await openPage({ snapshot, savedAt: snapshot.startedAt + 4_000 });
    await page.send({ type: 'idle' });
    assert.match(page.text('run-meta'), /running when the window reloaded/);
    assert.equal((page.dom.window.document.getElementById('cancel-run') as unknown as { disabled: boolean }).disabled, true);
    assert.match(page.text('figures'), /Elapsed 4\.0 s/);
  });

  it('posts the buttons’ messages', async () => {
    page = await openPage();
    await page.send({ type: 'snapshot', snapshot: snapshotOf(researchShaped(1, 'RUNNING')) });
    for (const id of ['cancel-run', 'replan']) (page.dom.window.document.getElementById(id) as unknown as { click(): void }).click();
    assert.deepEqual(page.posted.slice(1), [{ type: 'cancelRun' }, { type: 'replan' }]);
  });
});
