/**
 * Screenshots of the progress panel outside VS Code: the page (the real HTML, CSP, script and styles)
 * served on 127.0.0.1 to headless Chromium with the default themes' variables and a stand-in for
 * `acquireVsCodeApi`, fed snapshots of real runs (test/support/scenarios.ts).
 *
 *   npx tsx test/webview/screenshots.ts [out-dir]     (default media/screenshots; builds first: npm run build)
 *
 * Writes progress-running-dark.png (12 tasks mid-run), progress-report-dark.png (12 tasks, ended, with
 * the report), progress-running-light.png and progress-500-light.png / -dark.png (a 500-task run).
 */
import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { extname, join, resolve } from 'node:path';
import { chromium, type Page } from 'playwright-core';
import type { RunViewSnapshot } from '../../src/core/run-view';
import { buildPanelHtml } from '../../src/extension/webview/html';
import { runSimulated, runTwelveTasks } from '../support/scenarios';
import { themeCss } from './themes';

const repo = resolve(__dirname, '../..');
const outDir = resolve(process.argv[2] ?? join(repo, 'media/screenshots'));
const chromiumPath = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
const NONCE = 'screenshotNonce0123456789';
const TYPES: Record<string, string> = { '.js': 'text/javascript', '.css': 'text/css', '.map': 'application/json' };

interface PageGlobals {
  postMessage(message: unknown, origin: string): void;
  document: { querySelector(selector: string): { scrollIntoView(options: { block: string }): void } | null };
}

function pick(snapshots: RunViewSnapshot[], wanted: (s: RunViewSnapshot) => boolean): RunViewSnapshot {
  const found = snapshots.find(wanted) ?? snapshots[Math.floor(snapshots.length / 2)];
  if (!found) throw new Error('no snapshot to show');
  return found;
}

async function main(): Promise<void> {
  const work = mkdtempSync(join(tmpdir(), 'progress-shots-'));
  try {
    // Research a copy of the sources in a folder with the project's name, so that no path of the
    // machine that took the pictures shows in them.
    const folder = join(work, 'research-dispatcher');
    cpSync(join(repo, 'src'), join(folder, 'src'), { recursive: true });
    cpSync(join(repo, 'README.md'), join(folder, 'README.md'));
    const shown = (run: RunViewSnapshot): RunViewSnapshot => ({ ...run, root: '~/research-dispatcher' });
    const twelve = await runTwelveTasks(folder, join(folder, '.research/twelve/report.md'));
    const big = await runSimulated(folder, join(folder, '.research/big/report.md'), 500);
    twelve.final = shown(twelve.final);
    twelve.snapshots = twelve.snapshots.map(shown);
    big.snapshots = big.snapshots.map(shown);
    const midTwelve = pick(twelve.snapshots, (s) => s.counts.COMPLETED >= 5 && s.counts.RUNNING + s.counts.RETRYING >= 2);
    const midBig = pick(big.snapshots, (s) => s.counts.COMPLETED >= 200);

    const server = createServer((request, response) => {
      const url = new URL(request.url ?? '/', 'http://127.0.0.1');
      const theme = url.searchParams.get('theme') === 'light' ? 'light' : 'dark';
      if (url.pathname === '/') {
        const origin = `http://${request.headers.host}`;
        const html = buildPanelHtml({ cspSource: origin, nonce: NONCE, scriptUri: `${origin}/dist/webview/progress.js`, styleUri: `${origin}/media/webview/progress.css` }).replace(
          '</head>',
          `<link rel="stylesheet" href="${origin}/theme.css?theme=${theme}">
<script nonce="${NONCE}">window.acquireVsCodeApi = () => ({ postMessage: (m) => (window.posted = window.posted || []).push(m), getState: () => undefined, setState: (s) => { window.savedState = s; } });</script>
</head>`,
        );
        response.writeHead(200, { 'content-type': 'text/html' }).end(html);
      } else if (url.pathname === '/theme.css') {
        response.writeHead(200, { 'content-type': 'text/css' }).end(themeCss(theme));
      } else if (/^\/(dist\/webview|media\/webview)\/[\w.-]+$/.test(url.pathname)) {
        try {
          response.writeHead(200, { 'content-type': TYPES[extname(url.pathname)] ?? 'application/octet-stream' }).end(readFileSync(join(repo, url.pathname)));
        } catch {
          response.writeHead(404).end();
        }
      } else {
        response.writeHead(url.pathname === '/favicon.ico' ? 204 : 404).end();
      }
    });
    await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
    const { port } = server.address() as AddressInfo;
    const browser = await chromium.launch({ executablePath: chromiumPath, headless: true, args: ['--no-sandbox', '--disable-gpu'] });
    const errors: string[] = [];
    try {
      const shoot = async (name: string, snapshot: RunViewSnapshot, theme: 'dark' | 'light', options: { select?: string; fullPage?: boolean; scrollTo?: string; height?: number } = {}) => {
        const page: Page = await browser.newPage({ viewport: { width: 1280, height: options.height ?? 900 } });
        page.on('console', (m) => m.type() === 'error' && errors.push(`${name}: ${m.text()}`));
        page.on('pageerror', (e) => errors.push(`${name}: ${e.message}`));
        await page.goto(`http://127.0.0.1:${port}/?theme=${theme}`);
        // Freeze the page's clock at the snapshot's moment, so the elapsed time and the timeline match it.
        const at = snapshot.endedAt ?? Math.max(...snapshot.tasks.flatMap((t) => t.spans.map((s) => s.end ?? s.start)), snapshot.startedAt);
        await page.evaluate((now) => {
          Date.now = () => now;
        }, at);
        // (Runs in the page; this file is checked without the DOM types, hence the casts.)
        await page.evaluate((s) => (globalThis as unknown as PageGlobals).postMessage({ type: 'snapshot', snapshot: s }, '*'), snapshot);
        await page.waitForSelector('#counts .count');
        if (options.select) await page.click(`[data-task-id="${options.select}"]`);
        if (options.scrollTo) await page.evaluate((selector) => (globalThis as unknown as PageGlobals).document.querySelector(selector)?.scrollIntoView({ block: 'start' }), options.scrollTo);
        await page.waitForTimeout(400);
        await page.screenshot({ path: join(outDir, name), fullPage: options.fullPage ?? false });
        await page.close();
        console.log(`wrote ${join(outDir, name)}`);
      };
      await shoot('progress-running-dark.png', midTwelve, 'dark', { select: 'search-3' });
      await shoot('progress-running-light.png', midTwelve, 'light', { select: 'search-3' });
      await shoot('progress-report-dark.png', twelve.final, 'dark', { scrollTo: '#report-heading' });
      await shoot('progress-500-dark.png', midBig, 'dark');
      await shoot('progress-500-light.png', midBig, 'light');
    } finally {
      await browser.close();
      server.close();
    }
    if (errors.length > 0) {
      console.error(`page errors:\n${errors.join('\n')}`);
      process.exitCode = 1;
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
