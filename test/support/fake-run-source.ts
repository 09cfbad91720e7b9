/**
 * A THROWAWAY stand-in for the extension's RunManager (issue 4A builds the real one, with
 * RunViewModel in src/core/run-view-model.ts). It turns one research run's events into
 * RunViewSnapshots well enough to drive the progress panel in tests and, until RunManager lands,
 * in the extension (src/extension/webview/temporary-run-source.ts). Not a model of how to do it.
 */
import type * as vscode from 'vscode';
import type { Dispatcher } from '../../src/core/dispatcher';
import type { EventBus } from '../../src/core/events';
import type { RunViewSnapshot, TaskView } from '../../src/core/run-view';
import { ALL_STATES, type TaskState } from '../../src/core/task-state';
import type { RunManagerApi } from '../../src/extension/webview/run-source';

export interface WatchedRun {
  bus: EventBus;
  question: string;
  root: string;
  providerLabel: string;
  concurrency: number;
  cancel(): void;
}

type Listener = (snapshot: RunViewSnapshot) => unknown;

export class FakeRunSource implements RunManagerApi {
  private current: RunViewSnapshot | undefined;
  private run: WatchedRun | undefined;
  private dispatcher: Dispatcher | undefined;
  private spans = new Map<string, TaskView['spans']>();
  private lastErrors = new Map<string, string>();
  private readonly listeners = new Set<Listener>();
  private timer: ReturnType<typeof setTimeout> | undefined;
  private version = 0;
  /** Calls the panel made, for tests. */
  readonly calls: string[] = [];

  constructor(private readonly onOpenReport: (reportPath: string) => Promise<void> = async () => undefined, private readonly coalesceMs = 100) {}

  get snapshot(): RunViewSnapshot | undefined {
    return this.current;
  }

  readonly onDidChange: vscode.Event<RunViewSnapshot> = (listener, thisArgs?, disposables?) => {
    const bound: Listener = (snapshot) => listener.call(thisArgs, snapshot);
    this.listeners.add(bound);
    const disposable = { dispose: () => void this.listeners.delete(bound) };
    disposables?.push(disposable as vscode.Disposable);
    return disposable as vscode.Disposable;
  };

  /** Starts following a run; call before research() starts, then `attach` and `finish`. */
  watch(run: WatchedRun): void {
    this.run = run;
    this.dispatcher = undefined;
    this.spans = new Map();
    this.lastErrors = new Map();
    this.current = {
      version: ++this.version,
      runId: '',
      question: run.question,
      root: run.root,
      providerLabel: run.providerLabel,
      status: 'planning',
      startedAt: Date.now(),
      concurrency: run.concurrency,
      tasks: [],
      counts: Object.fromEntries(ALL_STATES.map((s) => [s, 0])) as Record<TaskState, number>,
      retries: 0,
      usage: { inputTokens: 0, outputTokens: 0, costUsd: 0 },
      notices: [],
    };
    run.bus.on('run:start', (e) => {
      this.patch({ runId: e.runId, status: 'running', startedAt: e.at });
    });
    run.bus.on('task:state', (e) => {
      const spans = this.spans.get(e.taskId) ?? [];
      const open = spans.at(-1);
      if (open && open.end === undefined) open.end = e.at;
      if (e.to === 'RUNNING' || e.to === 'RETRYING') spans.push({ start: e.at, state: e.to });
      else if (open && open.state === 'RUNNING' && (e.to === 'COMPLETED' || e.to === 'FAILED' || e.to === 'CANCELLED')) open.state = e.to;
      this.spans.set(e.taskId, spans);
      this.changed();
    });
    run.bus.on('task:retry', (e) => {
      this.lastErrors.set(e.taskId, e.error);
      this.changed();
    });
    run.bus.on('task:progress', () => this.changed());
    run.bus.on('run:concurrency', (e) => this.patch({ concurrency: e.concurrency }));
    run.bus.on('log', (e) => {
      if (e.level !== 'warn' && e.level !== 'error') return;
      const notices = [...(this.current?.notices ?? []), { level: e.level, message: e.message, at: e.at }].slice(-20);
      this.patch({ notices });
    });
    run.bus.on('run:end', (e) => {
      this.patch({ status: 'ended', outcome: e.outcome, endedAt: e.at, stats: e.stats });
    });
    this.changed();
  }

  attach(dispatcher: Dispatcher): void {
    this.dispatcher = dispatcher;
  }

  /** The report is written after the run ends. */
  finish(reportPath: string, reportMarkdown: string): void {
    this.patch({ reportPath, reportMarkdown, status: 'ended' });
    this.flush();
  }

  cancelRun(): void {
    this.calls.push('cancelRun');
    if (this.current) this.patch({ status: 'cancelling' });
    this.run?.cancel();
  }

  cancelTask(taskId: string): void {
    this.calls.push(`cancelTask:${taskId}`);
    this.dispatcher?.cancelTask(taskId);
  }

  retryTask(taskId: string): void {
    this.calls.push(`retryTask:${taskId}`);
    this.dispatcher?.retryTask(taskId);
  }

  async replan(instruction: string): Promise<void> {
    this.calls.push(`replan:${instruction}`);
    throw new Error('replanning from the progress panel needs the RunManager (not in this build yet)');
  }

  async openReport(): Promise<void> {
    this.calls.push('openReport');
    if (this.current?.reportPath) await this.onOpenReport(this.current.reportPath);
  }

  /** Sends the latest snapshot now instead of at the end of the coalescing window. */
  flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.rebuild();
    const snapshot = this.current;
    if (snapshot) for (const listener of [...this.listeners]) listener(snapshot);
  }

  private patch(fields: Partial<RunViewSnapshot>): void {
    if (!this.current) return;
    this.current = { ...this.current, ...fields };
    this.changed();
  }

  private changed(): void {
    this.timer ??= setTimeout(() => this.flush(), this.coalesceMs);
  }

  private rebuild(): void {
    if (!this.current) return;
    const tasks: TaskView[] = (this.dispatcher?.snapshot() ?? []).map((t) => ({
      id: t.spec.id,
      kind: t.spec.kind,
      description: t.spec.description,
      dependsOn: [...t.spec.dependsOn],
      parent: t.spec.parent,
      state: t.state,
      attempts: t.attempts,
      retries: t.retries,
      reason: t.reason,
      lastError: t.state === 'RETRYING' ? this.lastErrors.get(t.spec.id) : undefined,
      summary: t.result?.summary,
      progress: t.progress,
      startedAt: t.startedAt,
      endedAt: t.endedAt,
      spans: (this.spans.get(t.spec.id) ?? []).map((span) => ({ ...span })),
    }));
    const counts = Object.fromEntries(ALL_STATES.map((s) => [s, 0])) as Record<TaskState, number>;
    let retries = 0;
    for (const task of tasks) {
      counts[task.state]++;
      retries += task.retries;
    }
    this.current = { ...this.current, version: ++this.version, tasks: tasks.length > 0 ? tasks : this.current.tasks, counts, retries };
  }
}
