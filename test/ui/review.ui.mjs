// The plan under review, as a person sees and steers it: research.reviewPlan set to "always" in the
// workspace's settings, Research: Start, the Planned tasks in the Research view, a search edited with
// its inline action, then Run Plan from the view's title. Screenshots: ui-11-plan-review.png,
// ui-12-plan-edited.png, ui-13-plan-ran.png.
import { runCommand, setWorkspaceSetting, sleep, waitUntil } from './research.ui.mjs';

const treeRows = (page) => page.locator('[id="workbench.view.extension.research"] .monaco-list-row');
const rowTexts = (page) => treeRows(page).evaluateAll((rows) => rows.map((r) => r.getAttribute('aria-label') ?? r.textContent ?? ''));
// A container with one view shows the view's title actions in the side bar's title (the view's own
// header, inside the container, is hidden): take the one shown.
const titleAction = (page, label) => page.locator(`.part.sidebar .action-label[aria-label="${label}"]:visible`).first();

/** Drags the side bar's right edge by `dx` pixels. */
async function dragSideBarEdge(page, dx) {
  const bar = await page.locator('.part.sidebar').first().boundingBox();
  if (!bar) return;
  const x = bar.x + bar.width - 1;
  const y = bar.y + bar.height / 2;
  await page.mouse.move(x, y);
  await page.mouse.down();
  await page.mouse.move(x + dx / 2, y, { steps: 5 });
  await page.mouse.move(x + dx, y, { steps: 5 });
  await page.mouse.up();
  await sleep(300);
}

export const tests = [
  {
    name: 'the plan waits for review in the Research view: a search edited with its inline action, then Run Plan',
    async run({ page, screenshot, log, workspaceDir }) {
      setWorkspaceSetting(workspaceDir, 'research.reviewPlan', 'always');
      let ran = false;
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
        // Widen the side bar, as a person reading the queries would (put back at the end).
        await dragSideBarEdge(page, 300);
        await treeRows(page).filter({ hasText: 'search-1' }).first().hover();
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
        ran = true;
        await waitUntil('every task of the approved plan to complete', async () => {
          const texts = await rowTexts(page);
          return texts.some((t) => /^Completed/.test(t)) && !texts.some((t) => /^(Planned|Running|Ready|Waiting|Pending)/.test(t));
        }, 60_000);
        await waitUntil('its report to open', async () => (await page.locator('.tabs-container .tab.active').filter({ hasText: 'report.md' }).count()) > 0, 30_000);
        await sleep(500);
        await screenshot('ui-13-plan-ran.png');
      } finally {
        // A plan left waiting would hold the window's one run: the next tests could not start theirs.
        if (!ran) await runCommand(page, 'Research: Discard Plan').catch(() => {});
        await dragSideBarEdge(page, -300).catch(() => {});
        setWorkspaceSetting(workspaceDir, 'research.reviewPlan', undefined);
      }
    },
  },
];
