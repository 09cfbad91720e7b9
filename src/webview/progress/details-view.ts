import type { PageMessage, PanelSnapshot, PanelTask } from '../../shared/protocol';
import { h } from './dom';
import { formatDuration, isTerminalState, stateClass, stateLabel } from './format';

/** The selected task: what it is, how it went, and Cancel / Retry for it. */
export class DetailsView {
  constructor(
    private readonly container: HTMLElement,
    private readonly post: (message: PageMessage) => void,
    private readonly onSelect: (taskId: string) => void,
  ) {
    container.addEventListener('click', (event) => {
      const target = (event.target as Element | null)?.closest('[data-action]');
      const taskId = target?.getAttribute('data-task-id');
      if (!target || !taskId) return;
      const action = target.getAttribute('data-action');
      if (action === 'cancelTask' || action === 'retryTask') this.post({ type: action, taskId });
      else if (action === 'select') this.onSelect(taskId);
    });
  }

  update(snapshot: PanelSnapshot, selected: string | undefined, live: boolean, now: number): void {
    const task = selected ? snapshot.tasks.find((t) => t.id === selected) : undefined;
    if (!task) {
      this.container.replaceChildren(h('p', { class: 'muted' }, 'Select a task in the graph or the timeline.'));
      return;
    }
    const rows: [string, Node | string][] = [
      ['Kind', task.kind],
      ['State', h('span', { class: `state-chip ${stateClass(task.state)}`, 'data-testid': 'task-state' }, stateLabel(task.state))],
      ['Attempts', `${task.attempts}${task.retries > 0 ? ` (${task.retries} retried)` : ''}`],
    ];
    if (task.startedAt !== undefined) rows.push(['Duration', formatDuration((task.endedAt ?? now) - task.startedAt)]);
    if (task.dependsOn.length > 0) rows.push(['Needs', dependencyList(task.dependsOn)]);
    if (task.parent) rows.push(['Part of', dependencyList([task.parent])]);
    if (task.progress) rows.push(['Progress', `${task.progress.message}${task.progress.fraction !== undefined ? ` (${Math.round(task.progress.fraction * 100)}%)` : ''}`]);
    if (task.summary) rows.push(['Result', task.summary]);
    if (task.lastError) rows.push(['Last error', task.lastError]);
    if (task.reason) rows.push(['Why', task.reason]);

    const actions = h('div', { class: 'task-actions' });
    if (live && !isTerminalState(task.state)) actions.append(button('cancelTask', task, 'Cancel Task'));
    if (live && (task.state === 'FAILED' || task.state === 'CANCELLED')) actions.append(button('retryTask', task, 'Retry Task'));

    this.container.replaceChildren(
      h('h3', { class: 'task-id', title: task.id }, task.id),
      h('p', { class: 'task-description' }, task.description),
      h('dl', {}, ...rows.flatMap(([label, value]) => [h('dt', {}, label), h('dd', {}, value)])),
      actions,
    );
  }
}

function button(action: 'cancelTask' | 'retryTask', task: PanelTask, label: string): HTMLButtonElement {
  return h('button', { type: 'button', class: 'secondary', 'data-action': action, 'data-task-id': task.id, 'data-testid': action }, label);
}

function dependencyList(ids: readonly string[]): HTMLElement {
  const list = h('span', { class: 'dependency-list' });
  ids.forEach((id, index) => {
    if (index > 0) list.append(', ');
    list.append(h('a', { href: '#', 'data-action': 'select', 'data-task-id': id }, id));
  });
  return list;
}
