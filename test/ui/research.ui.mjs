// End-to-end UI tests: drive the real workbench (code-server + headless Chromium, started by
// test/vscode/run.mjs --ui) as a person would — the command palette, the Research view's tree, its
// inline actions, the editors — and save screenshots in test/vscode/screenshots/.
// Each test: { name, run({ page, screenshot, log }) }; they run in order in one window.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** Sets (or, with undefined, removes) a setting in the workspace's .vscode/settings.json, as a person editing it would. */
export function setWorkspaceSetting(workspaceDir, key, value) {
  const file = join(workspaceDir, '.vscode/settings.json');
  const settings = existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')) : {};
  if (value === undefined) delete settings[key];
  else settings[key] = value;
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, `${JSON.stringify(settings, null, 2)}\n`);
}

export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls `check` (async) until it returns a truthy value; throws with `what` after `timeoutMs`. */
export async function waitUntil(what, check, timeoutMs = 30_000) {
  const deadline = Date.now() + timeoutMs;
  let last;
  for (;;) {
    try {
      last = await check();
      if (last) return last;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${last instanceof Error ? `: ${last.message}` : ''}`);
    await sleep(150);
  }
}

/** Opens the command palette with F1 and runs the command whose title is exactly `title`. */
export async function runCommand(page, title) {
  // Right after start-up the palette may not list the extension's commands yet: reopen it until it does.
  await waitUntil(`"${title}" in the palette`, async () => {
    await page.keyboard.press('Escape');
    await page.locator('.monaco-workbench .part.editor').first().click({ position: { x: 300, y: 200 } }).catch(() => {});
    await page.keyboard.press('F1');
    const input = page.locator('.quick-input-widget .quick-input-box input');
    await input.waitFor({ state: 'visible', timeout: 5_000 });
    await input.fill(`>${title}`);
    await sleep(300);
    // Walk the list with the keyboard until the exact title has the focus (a longer title may rank first).
    for (let i = 0; i < 6; i++) {
      const focused = await page.locator('.quick-input-list .monaco-list-row.focused').first().getAttribute('aria-label', { timeout: 1_000 }).catch(() => null);
      if (focused?.split(',')[0]?.trim() === title) return true;
      await page.keyboard.press('ArrowDown');
    }
    return false;
  }, 60_000);
  await page.keyboard.press('Enter');
}

/** The Research view's tree rows (the Tasks view in the Research container). */
function treeRows(page) {
  return page.locator('[id="workbench.view.extension.research"] .monaco-list-row');
}

async function rowTexts(page) {
  return treeRows(page).evaluateAll((rows) => rows.map((r) => r.getAttribute('aria-label') ?? r.textContent ?? ''));
}

/** The tab of an editor whose label contains `label`. */
function tab(page, label) {
  return page.locator('.tabs-container .tab').filter({ hasText: label });
}

export const tests = [
  {
    name: 'Research: Start from the palette asks for a question, shows the tasks in the tree and opens the report',
    async run({ page, screenshot, log }) {
      // Before any run, the Research view (its own activity-bar container) welcomes with a Start button.
      const activity = page.locator('.activitybar .action-item a[aria-label^="Research"]').first();
      await activity.waitFor({ state: 'visible', timeout: 60_000 });
      await activity.click();
      const welcome = page.locator('[id="workbench.view.extension.research"] .welcome-view-content');
      await waitUntil('the welcome view', async () => /Start Research/.test((await welcome.first().textContent({ timeout: 1_000 }).catch(() => '')) ?? ''), 30_000);
      await screenshot('ui-0-welcome.png');

      const input = page.locator('.quick-input-widget .quick-input-box input');
      const questionBox = async () =>
        (await page.locator('.quick-input-widget .quick-input-title').textContent({ timeout: 1_000 }).catch(() => ''))?.includes('Research: Start');
      // The first command activates the extension, which can take a while on a cold start.
      for (let attempt = 1; ; attempt++) {
        await runCommand(page, 'Research: Start');
        const shown = await waitUntil('the question box', questionBox, 15_000).catch((error) => {
          if (attempt >= 3) throw error;
          return false;
        });
        if (shown) break;
      }
      await input.fill('Where are the spring tide tables pinned, and how many brass lanterns does the quokka ferry protocol require?');
      await input.press('Enter');
      // The run opens the Research view; its tree fills with state groups and tasks.
      await waitUntil('the Research view with task groups', async () => {
        const texts = await rowTexts(page);
        return texts.some((t) => /^(Running|Ready|Waiting|Completed|Pending)/.test(t)) && texts.length >= 3;
      });
      log(`tree: ${(await rowTexts(page)).join(' | ')}`);
      await waitUntil('the report editor', async () => (await tab(page, 'report.md').count()) > 0, 60_000);
      await waitUntil('every task completed', async () => {
        const texts = await rowTexts(page);
        return texts.some((t) => /^Completed/.test(t)) && !texts.some((t) => /^(Running|Ready|Waiting|Pending)/.test(t));
      });
      const texts = await rowTexts(page);
      for (const id of ['search-1', 'analyze', 'synthesize']) {
        if (!texts.some((t) => t.startsWith(`${id},`))) throw new Error(`task ${id} is not in the tree: ${texts.join(' | ')}`);
      }
      await sleep(500);
      await screenshot('ui-1-offline-run-report.png');
    },
  },
  {
    name: 'a citation in the Markdown preview of the report opens the cited file at the cited lines',
    async run({ page, screenshot, log }) {
      await tab(page, 'report.md').first().click();
      await runCommand(page, 'Markdown: Open Preview');
      const link = await waitUntil('the citation link in the preview', async () => {
        for (const frame of page.frames()) {
          const anchor = frame.locator('a[href*="tides.txt#L"]').first();
          if ((await anchor.count()) > 0) return anchor;
        }
        return undefined;
      });
      const href = await link.getAttribute('href');
      const [, start] = /#L(\d+)/.exec(href ?? '') ?? [];
      log(`clicking ${href}`);
      await screenshot('ui-6-report-preview.png');
      await link.click();
      await sleep(3000);
      const active = await page.locator('.tabs-container .tab.active').first().textContent();
      const position = await page.locator('[id="status.editor.selection"]').first().textContent().catch(() => '');
      log(`after click: active tab ${active}, position ${position}, expected line ${start}`);
      await waitUntil('tides.txt to open at the cited line', async () => {
        const active = await page.locator('.tabs-container .tab.active').first().textContent();
        const position = await page.locator('[id="status.editor.selection"]').first().textContent().catch(() => '');
        return active?.includes('tides.txt') && position?.includes(`Ln ${start},`);
      }, 15_000);
      await screenshot('ui-7-cited-lines.png');
    },
  },
  {
    name: 'a plan run: tasks change state in the tree, one is cancelled with its inline action, the report opens',
    async run({ page, screenshot, log }) {
      const started = Date.now();
      const step = (what) => log(`  ${((Date.now() - started) / 1000).toFixed(1)} s: ${what}`);
      await page.locator('.tabs-container .tab .codicon-close').first().click().catch(() => {});
      await runCommand(page, 'Research: Start from Plan File…');
      await page.locator('.quick-input-widget').filter({ hasText: 'demo.plan.json' }).waitFor({ timeout: 15_000 });
      await page.keyboard.type('demo.plan');
      await sleep(300);
      await page.keyboard.press('Enter');
      const deepDive = treeRows(page).filter({ hasText: 'deep-dive' });
      step('plan picked');
      await waitUntil('deep-dive to run', async () => (await deepDive.first().getAttribute('aria-label'))?.includes('running'));
      await waitUntil('a task to complete', async () => (await rowTexts(page)).some((t) => /^Completed/.test(t)), 20_000);
      log(`tree while running: ${(await rowTexts(page)).join(' | ')}`);
      await screenshot('ui-2-plan-running.png');

      // Cancel deep-dive through its inline action, as a person would: hover the row, click the ✕.
      // The row redraws while the task runs (its duration ticks), so aim with the mouse where the action
      // shows on hover and click there, as a hand would, rather than holding on to a DOM node.
      await waitUntil('deep-dive to be cancelled from its inline action', async () => {
        const row = deepDive.first();
        await row.hover();
        const box = await row.locator('.action-label[aria-label="Cancel Task"]').boundingBox({ timeout: 2_000 }).catch(() => null);
        if (box) await page.mouse.click(box.x + box.width / 2, box.y + box.height / 2);
        await sleep(300);
        return (await row.getAttribute('aria-label'))?.includes('cancelled');
      }, 15_000);
      await waitUntil('follow-up to be cancelled with it', async () =>
        (await treeRows(page).filter({ hasText: 'follow-up' }).first().getAttribute('aria-label'))?.includes('cancelled'),
      );
      step('deep-dive and follow-up cancelled');
      // Selecting a task shows its page: state, attempts, inputs, and why it did not finish.
      // Rows move while tasks change state: click again if the click landed on a row that moved under it.
      await waitUntil('the task page of follow-up', async () => {
        if ((await tab(page, 'follow-up.md').count()) > 0) return true;
        await treeRows(page).filter({ hasText: 'follow-up' }).first().locator('.label-name').click({ timeout: 2_000 }).catch(() => {});
        await sleep(700);
        return (await tab(page, 'follow-up.md').count()) > 0;
      }, 20_000);
      const page_ = page.locator('.editor-instance .view-lines').first();
      await waitUntil('the page to say why it did not run', async () => /deep-dive/.test((await page_.textContent()) ?? ''), 10_000);
      await page.mouse.move(700, 500);
      await screenshot('ui-3-task-cancelled.png');

      // Show Progress: the progress webview, as a person sees it — counts, graph and timeline filled in.
      await runCommand(page, 'Research: Show Progress');
      // All read in one check, found again on each try: the run can end meanwhile and open its report
      // over the panel, which detaches the panel's frame (its content is rebuilt when shown again).
      await waitUntil('the progress panel to show the run\'s counts, a task graph and a timeline', async () => {
        const panel = await showProgressTab(page);
        if (panel === undefined) return false;
        const counts = (await panel.locator('#counts').textContent({ timeout: 2_000 }).catch(() => '')) ?? '';
        if (!/\d+\s*tasks/.test(counts)) return false;
        const nodes = await panel.locator('#graph [data-task-id], #graph .node, #graph g').count();
        if (nodes === 0) throw new Error('the progress panel\'s task graph is empty');
        if ((await panel.locator('#timeline').count()) === 0) throw new Error('the progress panel has no timeline');
        return true;
      }, 30_000);
      await page.mouse.move(700, 500);
      await screenshot('ui-4-progress.png');

      step('progress shown');
      await waitUntil('the run to end and its report to open', async () => (await tab(page, 'report.md').count()) > 0, 60_000);
      const texts = await rowTexts(page);
      if (!texts.some((t) => /^Cancelled/.test(t))) throw new Error(`no Cancelled group: ${texts.join(' | ')}`);
      await sleep(500);
      await screenshot('ui-5-plan-report.png');

      // Back in the progress panel, the finished run's report is rendered below the timeline.
      let report;
      await waitUntil('the progress panel to render the report', async () => {
        report = (await showProgressTab(page))?.locator('#report');
        return report !== undefined && ((await report.textContent({ timeout: 2_000 }).catch(() => '')) ?? '').includes('Run statistics');
      }, 30_000);
      await report.scrollIntoViewIfNeeded().catch(() => {});
      await screenshot('ui-8-progress-report.png');
    },
  },
];

/**
 * The progress webview's document, or undefined while it is not shown. code-server nests each webview
 * in two iframes, and the Markdown preview is a webview too, so the panel is found by its content.
 */
async function progressPanel(page) {
  for (const frame of page.frames()) {
    if ((await frame.locator('#counts').count().catch(() => 0)) > 0) return frame;
  }
  return undefined;
}

/** Brings the progress panel's tab to the front (the report may have opened over it) and reads it. */
async function showProgressTab(page) {
  await tab(page, 'Research Progress').first().click({ timeout: 2_000 }).catch(() => {});
  return progressPanel(page);
}
