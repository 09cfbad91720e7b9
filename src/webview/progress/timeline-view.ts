import type { PanelSnapshot, PanelTask } from '../../shared/protocol';
import { h, s, truncate } from './dom';
import { formatDuration, stateClass, stateLabel } from './format';

const LABEL_WIDTH = 150;
const AXIS_HEIGHT = 20;

/**
 * What ran when: one row per task that has started, in the order tasks started, with a bar for each
 * stretch of time it spent in a state (running attempts, backoff between them) over the run's
 * elapsed time.
 */
export class TimelineView {
  constructor(
    private readonly container: HTMLElement,
    onSelect: (taskId: string) => void,
  ) {
    container.addEventListener('click', (event) => {
      const id = (event.target as Element | null)?.closest('[data-task-id]')?.getAttribute('data-task-id');
      if (id) onSelect(id);
    });
  }

  update(snapshot: PanelSnapshot, selected: string | undefined, now: number): void {
    const rows = snapshot.tasks.filter((task) => task.spans.length > 0).sort((a, b) => firstStart(a) - firstStart(b));
    if (rows.length === 0) {
      this.container.replaceChildren(h('p', { class: 'muted' }, 'Nothing has started yet.'));
      return;
    }
    const width = Math.max(320, Math.floor(this.container.clientWidth || 800));
    const rowHeight = rows.length <= 40 ? 18 : rows.length <= 120 ? 8 : 3;
    const withLabels = rowHeight >= 14;
    const left = withLabels ? LABEL_WIDTH : 8;
    const chart = Math.max(100, width - left - 12);
    const start = snapshot.startedAt;
    const end = Math.max(start + 100, snapshot.endedAt ?? now);
    const x = (t: number) => left + ((Math.min(Math.max(t, start), end) - start) / (end - start)) * chart;
    const height = AXIS_HEIGHT + rows.length * rowHeight + 4;

    const svg = s('svg', { class: 'timeline-svg', width, height, viewBox: `0 0 ${width} ${height}`, role: 'img', 'aria-label': `Timeline of ${rows.length} tasks over ${formatDuration(end - start)}` });
    const axis = s('g', { class: 'axis' });
    const step = tickStep(end - start);
    for (let t = 0; t <= end - start; t += step) {
      const tx = x(start + t);
      axis.append(s('line', { x1: tx, x2: tx, y1: AXIS_HEIGHT - 4, y2: height, class: 'tick' }));
      // A label too close to the right edge would be cut off.
      if (tx + 48 <= width) axis.append(s('text', { x: tx + 3, y: AXIS_HEIGHT - 8, class: 'tick-label' }, formatDuration(t)));
    }
    svg.append(axis);

    const body = s('g', { class: 'rows' });
    rows.forEach((task, index) => {
      const y = AXIS_HEIGHT + index * rowHeight;
      const row = s('g', { class: `row${task.id === selected ? ' selected' : ''}`, 'data-task-id': task.id });
      row.append(s('title', {}, describe(task, end)));
      if (withLabels) {
        row.append(s('rect', { class: 'row-hit', x: 0, y, width, height: rowHeight }));
        row.append(s('text', { x: 4, y: y + rowHeight / 2, 'dominant-baseline': 'central', class: 'row-label' }, truncate(task.id, 22)));
      }
      const barHeight = Math.max(2, rowHeight - (withLabels ? 6 : 1));
      for (const span of task.spans) {
        const x1 = x(span.start);
        const x2 = x(span.end ?? end);
        row.append(s('rect', { class: `span ${stateClass(span.state)}`, x: x1, y: y + (rowHeight - barHeight) / 2, width: Math.max(1.5, x2 - x1), height: barHeight, rx: withLabels ? 2 : 0 }));
      }
      body.append(row);
    });
    svg.append(body);
    if (snapshot.endedAt === undefined) svg.append(s('line', { class: 'now', x1: x(now), x2: x(now), y1: AXIS_HEIGHT - 4, y2: height }));
    this.container.replaceChildren(svg);
  }
}

function firstStart(task: PanelTask): number {
  return task.spans[0]?.start ?? Number.POSITIVE_INFINITY;
}

/** A round tick interval giving at most about eight ticks. */
export function tickStep(durationMs: number): number {
  const steps = [0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200].map((seconds) => seconds * 1000);
  return steps.find((step) => durationMs / step <= 8) ?? Math.ceil(durationMs / 8 / 3_600_000) * 3_600_000;
}

function describe(task: PanelTask, end: number): string {
  const parts = task.spans.map((span) => `${stateLabel(span.state)} ${formatDuration((span.end ?? end) - span.start)}`);
  return `${task.id} — ${stateLabel(task.state)}, ${task.attempts} attempt${task.attempts === 1 ? '' : 's'}\n${parts.join(', ')}`;
}
