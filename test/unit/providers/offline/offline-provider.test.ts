import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { TaskResult } from '../../../../src/core/executor';
import type { Plan } from '../../../../src/core/plan';
import type { ResearchProvider } from '../../../../src/core/provider';
import type { ReportDraft } from '../../../../src/core/sources';
import { createOfflineProvider, verifyQuote } from '../../../../src/providers/offline/index';
import { quoteMatches, readSourceLines } from '../../../../src/providers/offline/verify-quote';
import { makeWorkspace, removeWorkspace, taskContext, trySymlink } from '../../../support/workspace-fixture';

const QUESTION = 'How does the kettle thermostat work, and what about the descaling schedule?';

const FILES = {
  'README.md': [
    '# Zephyr kettle',
    '',
    'The Zephyr kettle firmware boils water and keeps it warm.',
    '',
    '## Thermostat',
    '',
    'The thermostat reads the plate sensor every 200 ms and cuts power at 100 °C.',
    '',
    '## Descaling',
    '',
    'The descaling schedule reminds you every 30 boils to descale the kettle.',
  ].join('\n'),
  'src/thermostat.ts': [
    'export const CUT_OFF_CELSIUS = 100;',
    '',
    '/** Reads the plate sensor and decides whether the heater stays on. */',
    'export function thermostatTick(sensorCelsius: number): boolean {',
    '  return sensorCelsius < CUT_OFF_CELSIUS;',
    '}',
  ].join('\r\n'),
  'src/descale.py': 'def descaling_due(boils: int) -> bool:\n    """The descaling schedule: every 30 boils."""\n    return boils % 30 == 0\n',
  'notes/garden.txt': 'Tomatoes need sun.\n',
};

/** Runs the plan's tasks in plan order (which is a topological order for offline plans). */
async function runAll(provider: ResearchProvider, plan: Plan, skip: ReadonlySet<string> = new Set()): Promise<Map<string, TaskResult>> {
  const results = new Map<string, TaskResult>();
  for (const task of plan.tasks) {
    if (skip.has(task.id)) continue;
    const inputs = new Map(task.dependsOn.filter((id) => results.has(id)).map((id) => [id, results.get(id)!]));
    results.set(task.id, await provider.execute(task, taskContext(plan.question, { inputs })));
  }
  return results;
}

function quotes(draft: ReportDraft) {
  return draft.sections.flatMap((section) => section.blocks.flatMap((block) => (block.kind === 'quote' ? [{ ...block, heading: section.heading }] : [])));
}

describe('offline provider', () => {
  let root: string;
  let provider: ResearchProvider;
  const signal = new AbortController().signal;

  beforeEach(async () => {
    root = await makeWorkspace(FILES);
    provider = createOfflineProvider({ root });
  });
  afterEach(async () => {
    provider.dispose?.();
    await removeWorkspace(root);
  });

  it('runs search → analyze → synthesize into a draft whose every quote is verbatim and cited', async () => {
    assert.equal(provider.id, 'offline');
    assert.match(provider.label, /offline.*extractive/);
    const plan = await provider.plan(QUESTION, { signal, maxTasks: 100 });
    const results = await runAll(provider, plan);
    for (const [id, result] of results) assert.ok(result.summary.length > 0 && !result.summary.includes('\n'), `${id} has a one-line summary`);

    const search1 = results.get('search-1')!;
    assert.equal(search1.findings?.[0]?.facet, plan.tasks[0].facet);
    const draft = results.get('synthesize')!.draft!;
    assert.equal(draft.title, QUESTION);
    assert.match(draft.method, /extractive/);
    assert.match(draft.method, /without a language model/);
    assert.match(draft.method, /4 text files/);

    const quoted = quotes(draft);
    assert.ok(quoted.length >= 2, `${quoted.length} quotes`);
    for (const quote of quoted) {
      // Evidence quotes are whole lines; the Answer's are sentences or lines within them.
      const verbatim = quote.inline
        ? quoteMatches((await readSourceLines(root, quote.source.path))!, { source: quote.source, quote: quote.text, score: 0 }, 'within')
        : await verifyQuote(root, { source: quote.source, quote: quote.text, score: 0 });
      assert.ok(verbatim, `${quote.source.path}#L${quote.source.startLine} is verbatim`);
    }
    assert.equal(draft.sections[0].heading, 'Answer');
    assert.ok(quoted.some((q) => q.inline), 'the Answer quotes sentences or lines');
    const thermostat = quoted.find((q) => q.source.path === 'src/thermostat.ts' && !q.inline);
    assert.equal(thermostat?.language, 'typescript');
    assert.equal(thermostat?.heading, 'How does the kettle thermostat work');
    assert.ok(quoted.some((q) => q.source.path === 'src/descale.py' && q.language === 'python' && !q.inline));
    assert.ok(quoted.some((q) => q.source.path === 'README.md' && q.language === undefined && !q.inline));
    assert.ok(!quoted.some((q) => q.source.path === 'notes/garden.txt'));
    const sectionHeadings = draft.sections.map((s) => s.heading);
    const mergedNote = draft.sections.find((s) => s.heading === 'Facets merged into others')?.blocks.map((b) => b.text).join(' ') ?? '';
    for (const facet of plan.tasks.filter((t) => t.kind === 'search').map((t) => t.facet!)) {
      assert.ok(sectionHeadings.includes(facet) || mergedNote.includes(`“${facet}”`), `a section for ${facet}, or a note that it was merged`);
    }
  });

  it('says plainly when a facet found nothing', async () => {
    const plan = await provider.plan('What about quaternion interpolation?', { signal, maxTasks: 100 });
    const draft = (await runAll(provider, plan)).get('synthesize')!.draft!;
    const first = draft.sections.find((s) => s.heading === plan.tasks[0].facet)!;
    assert.deepEqual(first.blocks, [{ kind: 'text', text: 'No passage in the workspace matched “quaternion interpolation”.', citations: [] }]);
  });

  it('writes what it has when a search delivered no result', async () => {
    const plan = await provider.plan(QUESTION, { signal, maxTasks: 100 });
    const results = await runAll(provider, plan, new Set(['search-2']));
    assert.match(results.get('analyze')!.summary, /no result from search-2/);
    const draft = results.get('synthesize')!.draft!;
    assert.ok(quotes(draft).length > 0);
    const missing = draft.sections.find((s) => s.heading === 'What this report is missing');
    assert.match(JSON.stringify(missing?.blocks), /search-2 finished without a result/);
  });

  it('leaves out a quote whose file changed after indexing, and verifyQuote rejects it', async () => {
    const plan = await provider.plan('thermostat', { signal, maxTasks: 100 });
    const results = new Map<string, TaskResult>();
    for (const task of plan.tasks.filter((t) => t.kind === 'search')) results.set(task.id, await provider.execute(task, taskContext(plan.question)));
    const stale = results.get('search-1')!.findings!.find((f) => f.source.path === 'src/thermostat.ts')!;
    assert.ok(stale);
    await writeFile(join(root, 'src/thermostat.ts'), 'export const CUT_OFF_CELSIUS = 90;\n');
    assert.equal(await verifyQuote(root, stale), false);
    for (const task of plan.tasks.filter((t) => t.kind !== 'search')) {
      const inputs = new Map(task.dependsOn.map((id) => [id, results.get(id)!]));
      results.set(task.id, await provider.execute(task, taskContext(plan.question, { inputs })));
    }
    const draft = results.get('synthesize')!.draft!;
    assert.ok(!quotes(draft).some((q) => q.source.path === 'src/thermostat.ts'));
    assert.match(draft.method, /changed since it was indexed/);
  });

  it('verifyQuote refuses paths outside the root, wrong lines and altered text', async () => {
    const source = { path: 'src/descale.py', startLine: 2, endLine: 3 };
    const quote = '    """The descaling schedule: every 30 boils."""\n    return boils % 30 == 0';
    assert.equal(await verifyQuote(root, { source, quote, score: 1 }), true);
    assert.equal(await verifyQuote(root, { source: { ...source, startLine: 1 }, quote, score: 1 }), false);
    assert.equal(await verifyQuote(root, { source: { ...source, endLine: 99 }, quote, score: 1 }), false);
    assert.equal(await verifyQuote(root, { source, quote: quote.replace('30', '31'), score: 1 }), false);
    assert.equal(await verifyQuote(join(root, 'src'), { source: { path: '../README.md', startLine: 1, endLine: 1 }, quote: '# Zephyr kettle', score: 1 }), false);
  });

  it('verifyQuote does not follow a link out of the root', async function () {
    const inner = join(root, 'src');
    if (!(await trySymlink(join(root, 'README.md'), join(inner, 'readme-link.md')))) this.skip();
    const finding = { source: { path: 'readme-link.md', startLine: 1, endLine: 1 }, quote: '# Zephyr kettle', score: 1 };
    assert.equal(await verifyQuote(root, { ...finding, source: { ...finding.source, path: 'src/readme-link.md' } }), true);
    assert.equal(await verifyQuote(inner, finding), false);
  });

  it('shares one index build among concurrent searches, each seeing its progress', async () => {
    const plan = await provider.plan(QUESTION, { signal, maxTasks: 100 });
    const searchTasks = plan.tasks.filter((t) => t.kind === 'search');
    const progress = searchTasks.map((): string[] => []);
    const results = await Promise.all(searchTasks.map((task, i) => provider.execute(task, taskContext(QUESTION, { progress: progress[i] }))));
    assert.ok(results.every((r) => r.findings !== undefined));
    for (const messages of progress) {
      assert.deepEqual(messages.slice(0, 2), ['Reading the workspace files', 'Indexing 7 passages of 4 files']);
    }
    // Built once per provider: a file added afterwards is not seen by this provider's searches.
    await writeFile(join(root, 'late.md'), 'The thermostat of the late file.\n');
    const again = await provider.execute(searchTasks[0], taskContext(QUESTION));
    assert.ok(!again.findings!.some((f) => f.source.path === 'late.md'));
  });

  it('stops with the signal’s reason when aborted, and a later search still works', async () => {
    const plan = await provider.plan(QUESTION, { signal, maxTasks: 100 });
    const search = plan.tasks[0];
    const already = new AbortController();
    already.abort(new Error('cancelled before start'));
    await assert.rejects(provider.execute(search, taskContext(QUESTION, { signal: already.signal })), /cancelled before start/);

    const controller = new AbortController();
    const running = provider.execute(search, taskContext(QUESTION, { signal: controller.signal }));
    controller.abort(new Error('cancelled while indexing'));
    await assert.rejects(running, /cancelled while indexing/);

    const result = await provider.execute(search, taskContext(QUESTION));
    assert.ok(result.findings && result.findings.length > 0);
  });

  it('fails with a clear, permanent error when the folder does not exist', async () => {
    const missing = createOfflineProvider({ root: join(root, 'no-such-folder') });
    const plan = await missing.plan('thermostat', { signal, maxTasks: 100 });
    await assert.rejects(missing.execute(plan.tasks[0], taskContext('thermostat')), (error: Error & { retryable?: boolean }) => {
      assert.match(error.message, /cannot read the research folder/);
      assert.equal(error.retryable, false);
      return true;
    });
  });

  it('a hand-written plan whose synthesis depends on searches directly still quotes their passages', async () => {
    const plan: Plan = {
      question: 'thermostat',
      tasks: [
        { id: 's', kind: 'search', description: 'thermostat plate sensor', dependsOn: [], priority: 5 },
        { id: 'w', kind: 'synthesize', description: 'write', dependsOn: ['s'], priority: 5 },
      ],
    };
    const results = await runAll(provider, plan);
    const cited = quotes(results.get('w')!.draft!);
    assert.ok(cited.some((q) => q.text.includes('The thermostat reads the plate sensor')), JSON.stringify(cited));
    assert.ok(!JSON.stringify(results.get('w')!.draft).includes('delivered no result'));
  });
});
