import type { DispatcherEvent, Disposable, EventBus, RunOutcome } from './events';
import type { Plan, TaskSpec } from './plan';
import type { RunStatistics } from './stats';
import { ALL_STATES, isTerminal, type TaskState } from './task-state';
import type { RunViewSnapshot, TaskView } from './run-view';

export interface RunViewModelOptions {
  /** May be empty until `run:start` tells it (the run id is known before planning ends, though). */
  runId: string;
  question: string;
  root: string;
  providerLabel: string;
  concurrency: number;
  /** Epoch ms; default now. */
  startedAt?: number;
  /** How many notices to keep (oldest dropped first). Default 50. */
  maxNotices?: number;
  now?: () => number;
}

/** States that get a span on the timeline: queued, in an attempt, or backing off. */
const SPAN_STATES: ReadonlySet<TaskState> = new Set<TaskState>(['READY', 'RUNNING', 'RETRYING']);

type Notice = RunViewSnapshot['notices'][number];

/**
 * Keeps a `RunViewSnapshot` up to date from a run's events. Plain TypeScript (no `vscode`), so the
 * tree, the webview and the status bar share one picture that unit tests can check.
 *
 * Each event costs O(1) (plus the plan's size for `run:start`/`run:replan`); `snapshot()` copies the
 * picture only when it changed since the last copy, so a front end that asks ten times a second on a
 * 500-task run copies at most ten times a second, however many events arrived in between.
 */
export class RunViewModel {
  private version = 0;
  private readonly state: Omit<RunViewSnapshot, 'version' | 'tasks' | 'counts' | 'notices'>;
  private readonly tasks = new Map<string, TaskView>();
  private readonly counts = emptyCounts();
  private readonly notices: Notice[] = [];
  private readonly maxNotices: number;
  private readonly now: () => number;
  private readonly listeners = new Set<(version: number) => void>();
  private cached?: RunViewSnapshot;

  constructor(options: RunViewModelOptions) {
    this.now = options.now ?? Date.now;
    this.maxNotices = options.maxNotices ?? 50;
    this.state = {
      runId: options.runId,
      question: options.question,
      root: options.root,
      providerLabel: options.providerLabel,
      status: 'planning',
      startedAt: options.startedAt ?? this.now(),
      concurrency: options.concurrency,
      retries: 0,
      usage: { inputTokens: 0, outputTokens: 0, costUsd: 0 },
    };
  }

  get runId(): string {
    return this.state.runId;
  }

  get status(): RunViewSnapshot['status'] {
    return this.state.status;
  }

  /** The current picture. The same object is returned until something changes; treat it as read-only. */
  snapshot(): RunViewSnapshot {
    if (this.cached?.version === this.version) return this.cached;
    this.cached = {
      ...this.state,
      usage: { ...this.state.usage },
      version: this.version,
      tasks: [...this.tasks.values()].map((t) => ({
        ...t,
        dependsOn: [...t.dependsOn],
        spans: t.spans.map((s) => ({ ...s })),
        progress: t.progress && { ...t.progress },
      })),
      counts: { ...this.counts },
      notices: this.notices.map((n) => ({ ...n })),
    };
    return this.cached;
  }

  /** How far the run is, without copying the picture: for front ends that hear of every change. */
  progress(): { settled: number; total: number } {
    return { settled: settledCount(this.counts), total: this.tasks.size };
  }

  /** One task as it is now, without copying the picture (for a front end reacting to one event). */
  taskView(id: string): Readonly<TaskView> | undefined {
    return this.tasks.get(id);
  }

  /** Called with the new version after every change (synchronously, once per change). */
  onChange(listener: (version: number) => void): Disposable {
    this.listeners.add(listener);
    return { dispose: () => this.listeners.delete(listener) };
  }

  /** Feeds the model every event of `bus`. */
  attach(bus: EventBus): Disposable {
    return bus.onAny((event) => this.apply(event));
  }

  apply(event: DispatcherEvent): void {
    switch (event.type) {
      case 'run:start':
        // The approved plan starts afresh: the draft's PLANNED tasks become the dispatcher's tasks.
        if (this.counts.PLANNED > 0) this.clearTasks();
        this.state.runId = event.runId;
        this.state.startedAt = event.at;
        this.state.status = this.state.status === 'cancelling' ? 'cancelling' : 'running';
        this.syncPlan(event.plan);
        break;
      case 'task:state':
        this.onState(event.taskId, event.from, event.to, event.attempt, event.at, event.reason);
        break;
      case 'task:retry': {
        const task = this.task(event.taskId);
        task.retries++;
        task.lastError = event.error;
        this.state.retries++;
        break;
      }
      case 'task:progress':
        this.task(event.taskId).progress = { message: event.message, ...(event.fraction !== undefined ? { fraction: event.fraction } : {}) };
        break;
      case 'task:result': {
        const task = this.task(event.taskId);
        task.summary = event.result.summary;
        const usage = event.result.usage;
        if (usage) {
          this.state.usage.inputTokens += usage.inputTokens;
          this.state.usage.outputTokens += usage.outputTokens;
          this.state.usage.costUsd += usage.costUsd ?? 0;
        }
        break;
      }
      case 'run:replan':
        this.syncPlan(event.plan);
        this.addNotice('info', describeReplan(event.added, event.dropped, event.kept), event.at);
        break;
      case 'run:concurrency':
        this.state.concurrency = event.concurrency;
        break;
      case 'run:end':
        this.end(event.outcome, event.at, event.stats);
        return; // end() already bumped the version
      case 'log':
        if (event.level !== 'warn' && event.level !== 'error') return; // info and debug go to the log only
        this.addNotice(event.level, event.message, event.at);
        return; // addNotice bumped the version
    }
    this.changed();
  }

  /** The run's state as the front end sees it: replanning and cancelling are not dispatcher events. */
  setStatus(status: RunViewSnapshot['status']): void {
    if (this.state.status === status || this.state.status === 'ended') return;
    this.state.status = status;
    this.changed();
  }

  /** A plan waits for the person's review: its tasks are shown as PLANNED, replacing any earlier draft. */
  showPlanForReview(plan: Plan): void {
    this.clearTasks();
    this.state.question = plan.question;
    for (const spec of plan.tasks) {
      this.tasks.set(spec.id, newTaskView(spec, 'PLANNED'));
      this.counts.PLANNED++;
    }
    this.state.status = 'reviewing';
    this.changed();
  }

  /** The provider's name, known once the run's provider is built (after the model was made). */
  setProviderLabel(label: string): void {
    if (this.state.providerLabel === label) return;
    this.state.providerLabel = label;
    this.changed();
  }

  /** Ends the picture without a `run:end` (e.g. planning failed, so no dispatcher ever ran). */
  end(outcome: RunOutcome, at = this.now(), stats?: RunStatistics): void {
    this.state.status = 'ended';
    this.state.outcome = outcome;
    this.state.endedAt = at;
    if (stats) {
      this.state.stats = stats;
      this.state.concurrency = stats.concurrency;
    }
    for (const task of this.tasks.values()) closeSpan(task, at);
    this.changed();
  }

  setReport(reportPath: string, markdown: string): void {
    this.state.reportPath = reportPath;
    this.state.reportMarkdown = markdown;
    this.changed();
  }

  addNotice(level: Notice['level'], message: string, at = this.now()): void {
    this.notices.push({ level, message, at });
    if (this.notices.length > this.maxNotices) this.notices.splice(0, this.notices.length - this.maxNotices);
    this.changed();
  }

  // ---------------------------------------------------------------- internals

  private onState(taskId: string, from: TaskState, to: TaskState, attempt: number, at: number, reason?: string): void {
    const task = this.task(taskId, from);
    this.counts[task.state]--;
    this.counts[to]++;
    task.state = to;
    task.attempts = attempt;
    closeSpan(task, at);
    if (SPAN_STATES.has(to)) task.spans.push({ start: at, state: to });
    if (to === 'RUNNING') task.startedAt ??= at;
    if (to !== 'RUNNING') delete task.progress;
    if (to === 'FAILED' || to === 'CANCELLED') task.reason = reason ?? task.reason;
    if (to === 'COMPLETED') delete task.lastError;
    if (isTerminal(to)) task.endedAt = at;
    if (to === 'PENDING') {
      // Queued again (Retry Task, replan): the old end and reason no longer describe it.
      delete task.endedAt;
      delete task.reason;
    }
  }

  /** Adds tasks the model has not seen and refreshes the specs of the others (a replan may change them). */
  private syncPlan(plan: Plan): void {
    this.state.question = plan.question;
    for (const spec of plan.tasks) {
      const existing = this.tasks.get(spec.id);
      if (existing) {
        applySpec(existing, spec);
        continue;
      }
      this.tasks.set(spec.id, newTaskView(spec, 'PENDING'));
      this.counts.PENDING++;
    }
  }

  /**
   * The view of a task. A task the model has not seen yet (its spec arrives with the `run:replan`
   * that follows its first state change) gets a placeholder that the replan's plan fills in.
   */
  private task(id: string, state: TaskState = 'PENDING'): TaskView {
    let task = this.tasks.get(id);
    if (!task) {
      task = newTaskView({ id, kind: 'search', description: id, dependsOn: [] }, state);
      this.tasks.set(id, task);
      this.counts[state]++;
    }
    return task;
  }

  private clearTasks(): void {
    this.tasks.clear();
    for (const state of ALL_STATES) this.counts[state] = 0;
  }

  private changed(): void {
    this.version++;
    for (const listener of [...this.listeners]) {
      try {
        listener(this.version);
      } catch {
        // A broken view must not break the model or the run.
      }
    }
  }
}

/** Tasks that have settled: completed, failed or cancelled. */
export function settledCount(counts: Readonly<Record<TaskState, number>>): number {
  return counts.COMPLETED + counts.FAILED + counts.CANCELLED;
}

function emptyCounts(): Record<TaskState, number> {
  return Object.fromEntries(ALL_STATES.map((s) => [s, 0])) as Record<TaskState, number>;
}

function newTaskView(spec: Pick<TaskSpec, 'id' | 'kind' | 'description' | 'dependsOn' | 'parent' | 'query' | 'facet'>, state: TaskState): TaskView {
  const view: TaskView = { id: spec.id, kind: spec.kind, description: spec.description, dependsOn: [...spec.dependsOn], state, attempts: 0, retries: 0, spans: [] };
  if (spec.parent !== undefined) view.parent = spec.parent;
  if (spec.query !== undefined) view.query = spec.query;
  if (spec.facet !== undefined) view.facet = spec.facet;
  return view;
}

function applySpec(view: TaskView, spec: TaskSpec): void {
  view.kind = spec.kind;
  view.description = spec.description;
  view.dependsOn = [...spec.dependsOn];
  if (spec.parent !== undefined) view.parent = spec.parent;
  else delete view.parent;
  if (spec.query !== undefined) view.query = spec.query;
  else delete view.query;
  if (spec.facet !== undefined) view.facet = spec.facet;
  else delete view.facet;
}

function closeSpan(task: TaskView, at: number): void {
  const open = task.spans[task.spans.length - 1];
  if (open && open.end === undefined) open.end = at;
}

function describeReplan(added: readonly string[], dropped: readonly string[], kept: readonly string[]): string {
  const list = (ids: readonly string[]) => (ids.length <= 5 ? ids.join(', ') : `${ids.slice(0, 5).join(', ')} and ${ids.length - 5} more`);
  const parts = [`${added.length} added${added.length ? ` (${list(added)})` : ''}`, `${dropped.length} dropped${dropped.length ? ` (${list(dropped)})` : ''}`, `${kept.length} kept`];
  return `Replanned: ${parts.join(', ')}.`;
}
