/**
 * The progress panel's page. Draws the run from the host's snapshots; keeps the last one with
 * setState so that a panel that was hidden (and so torn down) or reloaded with the window draws
 * at once, before the host says anything.
 */
import { hostMessageSchema, pageStateSchema, type PageMessage, type PanelSnapshot } from '../../shared/protocol';
import { DetailsView } from './details-view';
import { byId } from './dom';
import { GraphView } from './graph-view';
import { createReportRenderer } from './report-render';
import { ReportView } from './report-view';
import { SummaryView } from './summary-view';
import { TimelineView } from './timeline-view';
import { acquireHost } from './vscode-api';

const host = acquireHost();
const post = (message: PageMessage): void => host.postMessage(message);

const restored = pageStateSchema.safeParse(host.getState() ?? {});
let snapshot: PanelSnapshot | undefined = restored.success ? restored.data.snapshot : undefined;
let selected: string | undefined = restored.success ? restored.data.selectedTaskId : undefined;
let savedAt: number | undefined = restored.success ? restored.data.savedAt : undefined;
/**
 * The restored run is not in this window any more (the host said `idle` after a reload): its clock
 * stops and its buttons go. Until the host answers, the restored picture is drawn as it was.
 */
let stale = false;

const summary = new SummaryView();
const select = (taskId: string): void => {
  selected = taskId;
  save();
  schedule();
};
const graph = new GraphView(byId('graph'), select);
const timeline = new TimelineView(byId('timeline'), select);
const details = new DetailsView(byId('task-details'), post, select);
const report = new ReportView(byId('report'), createReportRenderer(window), post);

byId('cancel-run').addEventListener('click', () => post({ type: 'cancelRun' }));
byId('replan').addEventListener('click', () => post({ type: 'replan' }));
byId('open-report').addEventListener('click', () => post({ type: 'openReport' }));

function save(): void {
  host.setState({ snapshot, selectedTaskId: selected, savedAt });
}

/** The clock the run is drawn at: now while it runs, frozen at the last word from the host when stale. */
function now(): number {
  return stale && savedAt !== undefined ? savedAt : Date.now();
}

let frame: number | undefined;
let lastTimeline = 0;
let timelineTimer: number | undefined;

/** Draws at most once a frame, however many snapshots arrive. */
function schedule(): void {
  frame ??= requestAnimationFrame(() => {
    frame = undefined;
    draw();
  });
}

function draw(): void {
  document.body.classList.toggle('has-run', snapshot !== undefined);
  if (!snapshot) return;
  const at = now();
  const live = snapshot.status !== 'ended' && !stale;
  summary.update(snapshot, stale, at);
  graph.update(snapshot, selected);
  details.update(snapshot, selected, live, at);
  report.update(snapshot);
  drawTimeline(live);
}

/** Redrawing the whole timeline is the costliest step: while a run goes on, twice a second is enough. */
function drawTimeline(live: boolean): void {
  const wait = lastTimeline + 500 - Date.now();
  if (live && wait > 0) {
    timelineTimer ??= window.setTimeout(() => {
      timelineTimer = undefined;
      if (snapshot) drawTimeline(snapshot.status !== 'ended' && !stale);
    }, wait);
    return;
  }
  lastTimeline = Date.now();
  if (snapshot) timeline.update(snapshot, selected, now());
}

window.addEventListener('message', (event: MessageEvent<unknown>) => {
  const parsed = hostMessageSchema.safeParse(event.data);
  if (!parsed.success) {
    console.warn('Research Progress: ignored an invalid message from the host', parsed.error.issues.slice(0, 3));
    return;
  }
  const message = parsed.data;
  if (message.type === 'idle') {
    // No run in this window (e.g. after a reload): keep showing the restored one, marked as such.
    stale = snapshot !== undefined && snapshot.status !== 'ended';
    schedule();
    return;
  }
  snapshot = message.snapshot;
  stale = false;
  savedAt = Date.now();
  if (selected && !snapshot.tasks.some((task) => task.id === selected)) selected = undefined;
  save();
  schedule();
});

// The elapsed time ticks while the run goes on; the rest waits for the host.
window.setInterval(() => {
  if (snapshot && snapshot.status !== 'ended' && !stale) summary.tick(snapshot, Date.now());
}, 1000);

new ResizeObserver(() => {
  lastTimeline = 0;
  if (snapshot) drawTimeline(false);
}).observe(byId('timeline'));

if (snapshot) draw();
post({ type: 'ready', restoredVersion: snapshot?.version });
