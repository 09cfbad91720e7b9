import * as assert from 'node:assert/strict';
import type { PageMessage, PanelSnapshot } from '../../../src/shared/protocol';
import { hostMessageSchema } from '../../../src/shared/protocol';
import type { RunViewSnapshot } from '../../../src/core/run-view';
import { DetailsView } from '../../../src/webview/progress/details-view';
import { GRAPH_LIMIT, GraphView } from '../../../src/webview/progress/graph-view';
import { createReportRenderer } from '../../../src/webview/progress/report-render';
import { messageForLink, ReportView } from '../../../src/webview/progress/report-view';
import { folderName, SummaryView } from '../../../src/webview/progress/summary-view';
import { TimelineView } from '../../../src/webview/progress/timeline-view';
import { panelDom } from './dom-env';
import { researchShaped, snapshotOf, taskView } from './fixtures';

/** What the page draws: the snapshot as it comes out of validation. */
function panel(snapshot: RunViewSnapshot): PanelSnapshot {
  const parsed = hostMessageSchema.parse({ type: 'snapshot', snapshot });
  if (parsed.type !== 'snapshot') throw new Error('not a snapshot');
  return parsed.snapshot;
}

describe('progress panel views', () => {
  let env: ReturnType<typeof panelDom>;
  beforeEach(() => {
    env = panelDom();
  });
  afterEach(() => env.close());

  describe('graph', () => {
    it('draws one box per task and one arrow per dependency, coloured by state', () => {
      const graph = new GraphView(env.document.getElementById('graph')!, () => undefined);
      const tasks = researchShaped(4);
      tasks[0]!.state = 'COMPLETED';
      tasks[1]!.state = 'RUNNING';
      graph.update(panel(snapshotOf(tasks)), undefined);
      assert.equal(graph.drawnAs, 'graph');
      const nodes = env.document.querySelectorAll('#graph .node');
      assert.equal(nodes.length, 6);
      assert.equal(env.document.querySelectorAll('#graph .edge').length, 5);
      const first = env.document.querySelector('#graph [data-task-id="search-1"]');
      assert.match(first?.getAttribute('class') ?? '', /state-completed/);
      assert.equal(env.document.querySelector('#graph [data-task-id="search-2"]')?.getAttribute('data-state'), 'RUNNING');
      assert.ok(env.document.querySelector('#graph .edge.done[data-from="search-1"]'), 'the arrow out of a completed task is marked done');
    });

    it('draws tasks whose ids are named like Object.prototype properties', () => {
      const graph = new GraphView(env.document.getElementById('graph')!, () => undefined);
      const tasks = [taskView('__proto__'), taskView('constructor', ['__proto__']), taskView('toString', ['constructor', '__proto__'])];
      graph.update(panel(snapshotOf(tasks)), undefined);
      assert.equal(graph.drawnAs, 'graph');
      assert.deepEqual([...env.document.querySelectorAll('#graph .node')].map((n) => n.getAttribute('data-task-id')).sort(), ['__proto__', 'constructor', 'toString']);
      const edges = [...env.document.querySelectorAll('#graph .edge')].map((e) => `${e.getAttribute('data-from')}→${e.getAttribute('data-to')}`).sort();
      assert.deepEqual(edges, ['__proto__→constructor', '__proto__→toString', 'constructor→toString']);
    });

    it('changes only classes when states change, and lays out again when tasks are added', () => {
      const graph = new GraphView(env.document.getElementById('graph')!, () => undefined);
      const tasks = researchShaped(3);
      graph.update(panel(snapshotOf(tasks)), undefined);
      const before = env.document.querySelector('#graph [data-task-id="search-1"]');
      const svgBefore = env.document.querySelector('#graph svg');

      tasks[0]!.state = 'COMPLETED';
      graph.update(panel(snapshotOf(tasks)), 'search-1');
      const after = env.document.querySelector('#graph [data-task-id="search-1"]');
      assert.equal(after, before, 'the same element, not a redrawn one');
      assert.equal(env.document.querySelector('#graph svg'), svgBefore);
      assert.match(after?.getAttribute('class') ?? '', /state-completed/);
      assert.match(after?.getAttribute('class') ?? '', /selected/);

      graph.update(panel(snapshotOf([...tasks, taskView('search-4')])), undefined);
      assert.notEqual(env.document.querySelector('#graph svg'), svgBefore, 'a replan that adds a task lays the graph out again');
      assert.equal(env.document.querySelectorAll('#graph .node').length, 6);
    });

    it(`shows more than ${GRAPH_LIMIT} tasks as a grid grouped by kind`, () => {
      const graph = new GraphView(env.document.getElementById('graph')!, () => undefined);
      const tasks = researchShaped(498);
      graph.update(panel(snapshotOf(tasks)), undefined);
      assert.equal(graph.drawnAs, 'grid');
      assert.equal(env.document.querySelectorAll('#graph .cell').length, 500);
      assert.deepEqual([...env.document.querySelectorAll('#graph .grid-group')].map((g) => g.getAttribute('data-kind')), ['search', 'analyze', 'synthesize']);
      const cell = env.document.querySelector('#graph [data-task-id="search-7"]');
      tasks[6]!.state = 'FAILED';
      graph.update(panel(snapshotOf(tasks)), undefined);
      assert.equal(env.document.querySelector('#graph [data-task-id="search-7"]'), cell);
      assert.equal(cell?.getAttribute('data-state'), 'FAILED');
    });

    it('selects a task on click', () => {
      const selected: string[] = [];
      const graph = new GraphView(env.document.getElementById('graph')!, (id) => selected.push(id));
      graph.update(panel(snapshotOf(researchShaped(2))), undefined);
      const rect = env.document.querySelector('#graph [data-task-id="analyze"] rect');
      rect?.dispatchEvent(new env.window.MouseEvent('click', { bubbles: true }));
      assert.deepEqual(selected, ['analyze']);
    });

    it('shows ids and descriptions from a run as text, never as markup', () => {
      const graph = new GraphView(env.document.getElementById('graph')!, () => undefined);
      const evil = '<img src=x onerror=alert(1)>';
      graph.update(panel(snapshotOf([taskView(evil, [], { description: '<script>alert(1)</script>' })])), undefined);
      const details = new DetailsView(env.document.getElementById('task-details')!, () => undefined, () => undefined);
      details.update(panel(snapshotOf([taskView(evil, [], { description: '<script>alert(1)</script>' })])), evil, true, Date.now());
      assert.equal(env.document.querySelectorAll('img, script').length, 1, 'only the page’s own script tag');
      assert.ok(env.document.getElementById('task-details')?.textContent?.includes('<script>alert(1)</script>'));
    });
  });

  describe('summary', () => {
    it('counts tasks by state and shows elapsed time, retries, concurrency and usage', () => {
      const summary = new SummaryView();
      const tasks = researchShaped(3);
      tasks[0]!.state = 'COMPLETED';
      tasks[1]!.state = 'RETRYING';
      tasks[1]!.retries = 2;
      const snapshot = snapshotOf(tasks, { usage: { inputTokens: 1200, outputTokens: 300, costUsd: 0.0123 } });
      summary.update(panel(snapshot), false, snapshot.startedAt + 65_000);
      const counts = env.document.getElementById('counts')!;
      assert.equal(counts.querySelector('[data-state="TOTAL"]')?.textContent, '5 tasks');
      assert.equal(counts.querySelector('[data-state="COMPLETED"]')?.textContent, '1 completed');
      assert.equal(counts.querySelector('[data-state="RETRYING"]')?.textContent, '1 retrying');
      assert.equal(counts.querySelector('[data-state="FAILED"]'), null, 'states with no task are left out');
      const figures = env.document.getElementById('figures')!.textContent ?? '';
      assert.match(figures, /Elapsed 1 m 05 s/);
      assert.match(figures, /Retries 2/);
      assert.match(figures, /Concurrency 4/);
      assert.match(figures, /Tokens 1,200 in · 300 out/);
      assert.match(figures, /Cost \$0\.0123/);
      assert.equal((env.document.getElementById('cancel-run') as HTMLButtonElement).disabled, false);
      assert.equal((env.document.getElementById('open-report') as HTMLButtonElement).disabled, true);
    });

    it('leaves tokens and cost out when there are none, and disables cancel once the run ended', () => {
      const summary = new SummaryView();
      const snapshot = snapshotOf(researchShaped(1, 'COMPLETED'), { status: 'ended', outcome: 'completed', endedAt: 1_700_000_003_000, reportPath: '/w/.research/r/report.md' });
      summary.update(panel(snapshot), false, Date.now());
      const figures = env.document.getElementById('figures')!.textContent ?? '';
      assert.ok(!/Tokens|Cost/.test(figures), figures);
      assert.match(figures, /Elapsed 3\.0 s/);
      assert.equal((env.document.getElementById('cancel-run') as HTMLButtonElement).disabled, true);
      assert.equal((env.document.getElementById('open-report') as HTMLButtonElement).disabled, false);
      assert.equal(env.document.querySelector('[data-testid="status"]')?.textContent, 'completed');
    });
  });

  describe('timeline', () => {
    it('draws a row per started task with a bar per span, in the order tasks started', () => {
      const timeline = new TimelineView(env.document.getElementById('timeline')!, () => undefined);
      const t0 = 1_700_000_000_000;
      const tasks = [
        taskView('late', [], { state: 'RUNNING', spans: [{ start: t0 + 2000, state: 'RUNNING' }] }),
        taskView('early', [], { state: 'COMPLETED', spans: [{ start: t0, end: t0 + 500, state: 'RUNNING' }, { start: t0 + 500, end: t0 + 900, state: 'RETRYING' }, { start: t0 + 900, end: t0 + 1500, state: 'COMPLETED' }] }),
        taskView('never', [], { state: 'WAITING' }),
      ];
      timeline.update(panel(snapshotOf(tasks)), undefined, t0 + 3000);
      const rows = [...env.document.querySelectorAll('#timeline .row')].map((r) => r.getAttribute('data-task-id'));
      assert.deepEqual(rows, ['early', 'late']);
      assert.equal(env.document.querySelectorAll('#timeline [data-task-id="early"] .span').length, 3);
      assert.ok(env.document.querySelector('#timeline [data-task-id="early"] .span.state-retrying'));
      assert.ok(env.document.querySelector('#timeline .now'), 'a running run marks now');
    });
  });

  describe('report', () => {
    const report = '# R\n\n> quote\n\n— [src/a.ts#L3-L5](../../src/a.ts#L3-L5) [web](https://example.com/x) [bad](javascript:alert(1))\n';

    it('renders the report once it is there, sanitized, and only when it changes', () => {
      const view = new ReportView(env.document.getElementById('report')!, createReportRenderer(env.window as never), () => undefined);
      const snapshot = snapshotOf(researchShaped(1, 'COMPLETED'));
      view.update(panel(snapshot));
      assert.match(env.document.getElementById('report')!.textContent ?? '', /appears here when the run ends/);
      view.update(panel({ ...snapshot, status: 'ended', reportMarkdown: report }));
      const heading = env.document.querySelector('#report h1');
      assert.equal(heading?.textContent, 'R');
      view.update(panel({ ...snapshot, status: 'ended', reportMarkdown: report, version: 2 }));
      assert.equal(env.document.querySelector('#report h1'), heading, 'not rendered again');
    });

    it('turns clicks on citations and web links into messages, and ignores the rest', () => {
      const posted: PageMessage[] = [];
      const view = new ReportView(env.document.getElementById('report')!, createReportRenderer(env.window as never), (m) => posted.push(m));
      view.update(panel(snapshotOf([], { status: 'ended', reportMarkdown: report })));
      const links = [...env.document.querySelectorAll('#report a')];
      const events = links.map((link) => {
        const event = new env.window.MouseEvent('click', { bubbles: true, cancelable: true });
        link.dispatchEvent(event);
        return event.defaultPrevented;
      });
      assert.deepEqual(events, events.map(() => true), 'the webview never follows a link itself');
      assert.deepEqual(posted, [
        { type: 'openSource', path: '../../src/a.ts', startLine: 3, endLine: 5 },
        { type: 'openExternal', url: 'https://example.com/x' },
      ]);
      assert.equal(messageForLink('javascript:alert(1)'), undefined);
    });
  });

  describe('task details', () => {
    it('offers Cancel for a live task and Retry for a failed one, posting typed messages', () => {
      const posted: PageMessage[] = [];
      const details = new DetailsView(env.document.getElementById('task-details')!, (m) => posted.push(m), () => undefined);
      const tasks = [taskView('a', [], { state: 'RUNNING', attempts: 1 }), taskView('b', ['a'], { state: 'FAILED', reason: 'boom', attempts: 3, retries: 2 })];
      details.update(panel(snapshotOf(tasks)), 'a', true, Date.now());
      env.document.querySelector<HTMLButtonElement>('[data-testid="cancelTask"]')?.click();
      assert.equal(env.document.querySelector('[data-testid="retryTask"]'), null);
      details.update(panel(snapshotOf(tasks)), 'b', true, Date.now());
      assert.match(env.document.getElementById('task-details')!.textContent ?? '', /Why\s*boom/);
      env.document.querySelector<HTMLButtonElement>('[data-testid="retryTask"]')?.click();
      assert.deepEqual(posted, [
        { type: 'cancelTask', taskId: 'a' },
        { type: 'retryTask', taskId: 'b' },
      ]);
      details.update(panel(snapshotOf(tasks, { status: 'ended' })), 'b', false, Date.now());
      assert.equal(env.document.querySelector('[data-testid="retryTask"]'), null, 'no actions once the run ended');
    });
  });
});

describe('timeline ticks', () => {
  it('picks a round interval giving at most eight ticks', async () => {
    const { tickStep } = await import('../../../src/webview/progress/timeline-view');
    assert.equal(tickStep(300), 50);
    assert.equal(tickStep(3_000), 500);
    assert.equal(tickStep(65_000), 10_000);
    assert.equal(tickStep(3 * 3_600_000), 1_800_000);
    assert.equal(tickStep(100 * 3_600_000), 13 * 3_600_000);
  });
});

describe('progress page: the folder', () => {
  it('shows the folder by its name, whatever the separator, keeping a bare name as it is', () => {
    assert.equal(folderName('/home/me/projects/harbour'), 'harbour');
    assert.equal(folderName('C:\\work\\harbour\\'), 'harbour');
    assert.equal(folderName('harbour'), 'harbour');
  });
});
