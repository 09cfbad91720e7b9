// The plan under review, as a person sees and steers it: research.reviewPlan set to "always" in the
// workspace's settings, Research: Start, the Planned tasks in the Research view, a search edited with
// its inline action, then Run Plan from the view's title. Screenshots: ui-11-plan-review.png,
// ui-12-plan-edited.png, ui-13-plan-ran.png.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { runCommand, sleep, waitUntil } from './research.ui.mjs';

function setWorkspaceSetting(workspaceDir, key, value) {
  const file = join(workspaceDir, '.vscode/settings.json');
  const settings = existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')) : {};
  if (value === undefined) delete settings[key];
  else settings[key] = value;
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, `${JSON.stringify(settings, null, 2)}\n`);
}

const treeRows = (page) => page.locator('[id="workbench.view.extension.research"] .monaco-list-row');
const rowTexts = (page) => treeRows(page).evaluateAll((rows) => rows.map((r) => r.getAttribute('aria-label') ?? r.textContent ?? ''));
const titleAction = (page, label) => page.locator(`[id="workbench.view.extension.research"] .action-label[aria-label="${label}"]`).first();

export const tests = [
  {
    name: 'the plan waits for review in the Research view: a search edited with its inline action, then Run Plan',
    async run({ page, screenshot, log, workspaceDir }) {
      setWorkspaceSetting(workspaceDir, 'research.reviewPlan', 'always');
      try {
        await page.keyboard.press('Escape');
        await page.locator('.tabs-container .tab .codicon-close').first().click().catch(() => {});
        await sleep(1500); // the settings file is picked up by its watcher
        await runCommand(page, 'Research: Start');
        const input = page.locator('.quick-input-widget .quick-input-box input');
        await input.waitFor({ state: 'visible', timeout: 15_000 });
        await input.fill('How many brass lanterns does the quokka ferry protocol require?');
        await input.press('Enter');

        await waitUntil('the Planned tasks in the Research view', async () => (await rowTexts(page)).some((t) => /^Planned/.test(t)), 30_000);
        await titleAction(page, 'Run Plan').waitFor({ state: 'visible', timeout: 10_000 });
        log(`tree under review: ${(await rowTexts(page)).join(' | ')}`);
        await page.mouse.move(700, 500);
        await screenshot('ui-11-plan-review.png');

        // Edit search-1 with its inline action: the query, then the description as it was.
        const search = treeRows(page).filter({ hasText: 'search-1' }).first();
        await waitUntil('the inline Edit Task action', async () => {
          await search.hover();
          const box = await search.locator('.action-label[aria-label="Edit Task…"]').boundingBox({ timeout: 2_000 }).catch(() => null);
          if (box) await page.mouse.click(box.x + box.width / 2, box.y + box.height / 2);
          return (await page.locator('.quick-input-widget .quick-input-title').textContent({ timeout: 1_000 }).catch(() => ''))?.includes('Edit search-1');
        }, 15_000);
        await input.fill('brass lanterns night crossing');
        await input.press('Enter');
        await waitUntil('the description step', async () => (await page.locator('.quick-input-widget .quick-input-title').textContent({ timeout: 1_000 }).catch(() => ''))?.includes('(2/2)'), 10_000);
        await input.fill('Find how many lanterns a night crossing needs');
        await input.press('Enter');
        await waitUntil('the edited task in the tree', async () => (await rowTexts(page)).some((t) => t.includes('Find how many lanterns a night crossing needs')), 10_000);
        await page.mouse.move(700, 500);
        await screenshot('ui-12-plan-edited.png');

        await titleAction(page, 'Run Plan').click();
        await waitUntil('the run to end and its report to open', async () => (await page.locator('.tabs-container .tab').filter({ hasText: 'report.md' }).count()) > 0, 60_000);
        const texts = await rowTexts(page);
        if (texts.some((t) => /^Planned/.test(t))) throw new Error(`planned tasks are left after Run Plan: ${texts.join(' | ')}`);
        if (!texts.some((t) => /^Completed/.test(t))) throw new Error(`no Completed group: ${texts.join(' | ')}`);
        await sleep(500);
        await screenshot('ui-13-plan-ran.png');
      } finally {
        setWorkspaceSetting(workspaceDir, 'research.reviewPlan', undefined);
      }
    },
  },
];
