import type { PanelSnapshot, PanelTask } from '../../shared/protocol';
import { h, s, truncate } from './dom';
import { stateClass, stateLabel } from './format';
import { layoutGraph, layoutKey, NODE_HEIGHT } from './layout';

/** Above this many tasks the layered layout takes seconds; a grid grouped by kind is drawn instead. */
export const GRAPH_LIMIT = 150;

/**
 * The task graph: boxes coloured by state, arrows from each dependency to the task that needs it.
 * Laid out only when the task set changes; a state change just swaps a class on the task's element.
 */
export class GraphView {
  private key: string | undefined;
  private mode: 'graph' | 'grid' | undefined;
  private readonly elements = new Map<string, Element>();
  private readonly edges: { from: string; element: Element }[] = [];

  constructor(
    private readonly container: HTMLElement,
    private readonly onSelect: (taskId: string) => void,
  ) {
    container.addEventListener('click', (event) => this.activate(event));
    container.addEventListener('keydown', (event) => {
      if (event.key === 'Enter' || event.key === ' ') this.activate(event);
    });
  }

  /** How the current picture is drawn, for tests and the UI. */
  get drawnAs(): 'graph' | 'grid' | undefined {
    return this.mode;
  }

  update(snapshot: PanelSnapshot, selected: string | undefined): void {
    const mode = snapshot.tasks.length > GRAPH_LIMIT ? 'grid' : 'graph';
    const key = `${mode}\u0003${layoutKey(snapshot.tasks)}`;
    if (key !== this.key) {
      this.key = key;
      this.mode = mode;
      this.elements.clear();
      this.edges.length = 0;
      if (snapshot.tasks.length === 0) this.container.replaceChildren(h('p', { class: 'muted' }, 'No tasks yet: the question is being planned.'));
      else this.container.replaceChildren(mode === 'graph' ? this.drawGraph(snapshot.tasks) : this.drawGrid(snapshot.tasks));
    }
    const states = new Map<string, PanelTask['state']>();
    for (const task of snapshot.tasks) {
      states.set(task.id, task.state);
      const element = this.elements.get(task.id);
      if (!element) continue;
      const wanted = `${element.getAttribute('data-base-class')} ${stateClass(task.state)}${task.id === selected ? ' selected' : ''}`;
      if (element.getAttribute('class') === wanted && element.getAttribute('data-state') === task.state) continue;
      element.setAttribute('class', wanted);
      element.setAttribute('data-state', task.state);
      const label = `${task.id} — ${stateLabel(task.state)}\n${task.description}${task.reason ? `\n${task.reason}` : ''}`;
      const title = element.querySelector('title');
      if (title) title.textContent = label;
      else element.setAttribute('title', label);
    }
    for (const edge of this.edges) edge.element.classList.toggle('done', states.get(edge.from) === 'COMPLETED');
  }

  private activate(event: Event): void {
    const target = (event.target as Element | null)?.closest('[data-task-id]');
    const id = target?.getAttribute('data-task-id');
    if (!id) return;
    event.preventDefault();
    this.onSelect(id);
  }

  private drawGraph(tasks: readonly PanelTask[]): SVGSVGElement {
    const layout = layoutGraph(tasks);
    const svg = s('svg', {
      class: 'graph-svg',
      width: layout.width,
      height: layout.height,
      viewBox: `0 0 ${layout.width} ${layout.height}`,
      role: 'group',
      'aria-label': `Task graph of ${tasks.length} tasks`,
    });
    svg.append(
      s(
        'defs',
        {},
        s('marker', { id: 'arrow', viewBox: '0 0 10 10', refX: 9, refY: 5, markerWidth: 7, markerHeight: 7, orient: 'auto-start-reverse' }, s('path', { d: 'M 0 0 L 10 5 L 0 10 z', class: 'arrow-head' })),
      ),
    );
    const edgeLayer = s('g', { class: 'edges' });
    for (const edge of layout.edges) {
      if (edge.points.length === 0) continue;
      const d = edge.points.map((p, i) => `${i === 0 ? 'M' : 'L'} ${p.x.toFixed(1)} ${p.y.toFixed(1)}`).join(' ');
      const path = s('path', { class: 'edge', d, 'marker-end': 'url(#arrow)', 'data-from': edge.from, 'data-to': edge.to });
      edgeLayer.append(path);
      this.edges.push({ from: edge.from, element: path });
    }
    const nodeLayer = s('g', { class: 'nodes' });
    for (const task of tasks) {
      const box = layout.nodes.get(task.id);
      if (!box) continue;
      const group = s(
        'g',
        {
          class: `node ${stateClass(task.state)}`,
          'data-base-class': 'node',
          'data-task-id': task.id,
          'data-state': task.state,
          'data-kind': task.kind,
          transform: `translate(${(box.x - box.width / 2).toFixed(1)} ${(box.y - box.height / 2).toFixed(1)})`,
          tabindex: 0,
          role: 'button',
          'aria-label': `${task.id}, ${task.kind}`,
        },
        s('title', {}, `${task.id} — ${stateLabel(task.state)}\n${task.description}`),
        s('rect', { width: box.width, height: box.height, rx: 4, ry: 4 }),
        s('rect', { class: 'kind-mark', width: 4, height: box.height, rx: 2, ry: 2 }),
        s('text', { x: 12, y: NODE_HEIGHT / 2, 'dominant-baseline': 'central' }, truncate(task.id, 20)),
      );
      nodeLayer.append(group);
      this.elements.set(task.id, group);
    }
    svg.append(edgeLayer, nodeLayer);
    return svg;
  }

  private drawGrid(tasks: readonly PanelTask[]): HTMLElement {
    const byKind = new Map<string, PanelTask[]>();
    for (const task of tasks) {
      const list = byKind.get(task.kind) ?? [];
      list.push(task);
      byKind.set(task.kind, list);
    }
    const root = h('div', { class: 'task-grid', role: 'group', 'aria-label': `${tasks.length} tasks by kind` });
    root.append(h('p', { class: 'muted' }, `${tasks.length} tasks: too many to lay out as a graph, shown by kind. Select one to see its dependencies.`));
    for (const [kind, list] of byKind) {
      const cells = h('div', { class: 'cells' });
      for (const task of list) {
        const cell = h('button', {
          type: 'button',
          class: `cell ${stateClass(task.state)}`,
          'data-base-class': 'cell',
          'data-task-id': task.id,
          'data-state': task.state,
          title: `${task.id} — ${stateLabel(task.state)}\n${task.description}`,
          'aria-label': task.id,
        });
        cells.append(cell);
        this.elements.set(task.id, cell);
      }
      root.append(h('div', { class: 'grid-group', 'data-kind': kind }, h('h3', {}, `${kind} (${list.length})`), cells));
    }
    return root;
  }
}
