import type { PanelSnapshot } from '../../shared/protocol';
import { byId, h } from './dom';
import { formatDuration, formatNumber, isTerminalState, STATE_ORDER, stateClass, stateLabel } from './format';

/** The header and the figures: question, status, counts by state, elapsed time, retries, usage, notices. */
export class SummaryView {
  private readonly question = byId('question');
  private readonly meta = byId('run-meta');
  private readonly counts = byId('counts');
  private readonly figures = byId('figures');
  private readonly notices = byId('notices');
  private readonly bar = byId('progress-bar');
  private readonly cancelRun = byId<HTMLButtonElement>('cancel-run');
  private readonly replan = byId<HTMLButtonElement>('replan');
  private readonly openReport = byId<HTMLButtonElement>('open-report');
  private elapsed?: HTMLElement;

  /** `stale`: the picture was restored after a reload and the host no longer has this run. */
  update(snapshot: PanelSnapshot, stale: boolean, now: number): void {
    this.question.textContent = snapshot.question;
    this.question.title = snapshot.question;
    this.meta.replaceChildren(
      h('span', { class: `status status-${snapshot.outcome ?? snapshot.status}`, 'data-testid': 'status' }, statusText(snapshot, stale)),
      ' · ',
      h('span', {}, snapshot.providerLabel),
      ' · ',
      // The folder's name, as VS Code's own title bar shows it; the whole path is in the tooltip.
      h('span', { title: snapshot.root }, folderName(snapshot.root)),
      ' · ',
      h('span', { class: 'muted' }, `run ${snapshot.runId}`),
    );

    const live = snapshot.status !== 'ended' && !stale;
    this.cancelRun.disabled = !live || snapshot.status === 'cancelling';
    // Once the run is over, cancelling means nothing and the report is what is left to do.
    this.cancelRun.hidden = snapshot.status === 'ended';
    this.replan.disabled = !live || snapshot.status !== 'running';
    this.replan.hidden = snapshot.status === 'ended';
    this.openReport.disabled = stale || snapshot.reportPath === undefined;
    this.openReport.classList.toggle('secondary', snapshot.status !== 'ended');

    const total = snapshot.tasks.length;
    const settled = snapshot.tasks.reduce((n, task) => n + (isTerminalState(task.state) ? 1 : 0), 0);
    const percent = total === 0 ? 0 : Math.round((settled / total) * 100);
    this.bar.setAttribute('aria-valuenow', String(percent));
    this.bar.setAttribute('aria-label', `${settled} of ${total} tasks finished`);
    // CSSOM, not a style attribute: the CSP allows no inline styles.
    this.bar.style.setProperty('--progress', `${percent}%`);
    this.bar.classList.toggle('active', live);

    const chips: Node[] = [h('span', { class: 'count total', 'data-state': 'TOTAL' }, h('strong', {}, formatNumber(total)), ' tasks')];
    for (const state of STATE_ORDER) {
      const n = snapshot.counts[state] ?? 0;
      if (n === 0) continue;
      chips.push(h('span', { class: `count ${stateClass(state)}`, 'data-state': state }, h('span', { class: 'dot', 'aria-hidden': 'true' }), h('strong', {}, formatNumber(n)), ` ${stateLabel(state)}`));
    }
    this.counts.replaceChildren(...chips);

    this.elapsed = h('strong', { id: 'elapsed', 'data-testid': 'elapsed' }, formatDuration(elapsedMs(snapshot, now)));
    const figures: Node[] = [
      figure('Elapsed', this.elapsed),
      figure('Retries', formatNumber(snapshot.retries)),
      figure('Concurrency', formatNumber(snapshot.concurrency)),
    ];
    const { inputTokens, outputTokens, costUsd } = snapshot.usage;
    if (inputTokens + outputTokens > 0) figures.push(figure('Tokens', `${formatNumber(inputTokens)} in · ${formatNumber(outputTokens)} out`));
    if (costUsd > 0) figures.push(figure('Cost', `$${costUsd.toFixed(costUsd < 1 ? 4 : 2)}`));
    if (snapshot.stats && snapshot.status === 'ended') {
      figures.push(figure('Critical path', `${formatDuration(snapshot.stats.criticalPathMs)} (${snapshot.stats.criticalPath.length} tasks)`));
      figures.push(figure('Lower bound', formatDuration(snapshot.stats.lowerBoundMs)));
    }
    this.figures.replaceChildren(...figures);

    this.notices.replaceChildren(
      ...snapshot.notices.slice(-5).map((notice) => h('li', { class: `notice notice-${notice.level}` }, h('span', { class: 'notice-level' }, notice.level), ' ', notice.message)),
    );
  }

  /** Called every second while a run goes on. */
  tick(snapshot: PanelSnapshot, now: number): void {
    if (this.elapsed) this.elapsed.textContent = formatDuration(elapsedMs(snapshot, now));
  }
}

export function elapsedMs(snapshot: PanelSnapshot, now: number): number {
  return Math.max(0, (snapshot.endedAt ?? now) - snapshot.startedAt);
}

function figure(label: string, value: Node | string): HTMLElement {
  return h('span', { class: 'figure' }, h('span', { class: 'figure-label' }, label), ' ', typeof value === 'string' ? h('strong', {}, value) : value);
}

function statusText(snapshot: PanelSnapshot, stale: boolean): string {
  if (snapshot.status === 'ended') return snapshot.outcome ?? 'ended';
  if (stale) return `${snapshot.status} when the window reloaded`;
  return snapshot.status;
}

/** The last segment of a folder path, whichever separator the host's platform uses. */
export function folderName(folder: string): string {
  return folder.replace(/[\\/]+$/, '').split(/[\\/]/).pop() || folder;
}
