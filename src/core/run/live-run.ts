import { readFile } from 'node:fs/promises';
import { RunEndedError, type Dispatcher } from '../dispatcher';
import { errorMessage, PlanDiscardedError, UsageError } from '../errors';
import { EventBus } from '../events';
import type { OpenTransport } from '../executor';
import { DEFAULT_MAX_TASKS, type Plan } from '../plan';
import type { ResearchProvider } from '../provider';
import type { ResearchResult } from '../research';
import { RunAlreadyCompletedError } from '../resume';
import { reportDepthOf, withReportDepth } from '../report-depth';
import { RunViewModel } from '../run-view-model';
import type { TaskSnapshot } from '../task';
import { PlanReview } from './plan-review';
import type { ReplanOutcome, RunDone, RunHandle } from './run-handle';

/** A gesture that needs the run's tasks, asked for while the plan is still being made. */
export class RunNotReadyError extends UsageError {
  constructor(action: string) {
    super(`the run is still planning; try to ${action} once its tasks are listed`);
    this.name = 'RunNotReadyError';
  }
}

/** What a run needs before it can plan: its provider and, when tasks run on workers, their transport. */
export interface PreparedRun {
  provider: ResearchProvider;
  transport?: OpenTransport;
}

/** Runs the research proper (research() or resumeResearch()) with what the live run hands it. */
export type DriveRun = (hooks: {
  provider: ResearchProvider;
  transport: OpenTransport | undefined;
  bus: EventBus;
  signal: AbortSignal;
  onDispatcher: (dispatcher: Dispatcher, limits: { maxTasks: number }) => void;
  review?: (plan: Plan, limits: { maxTasks: number }) => Promise<Plan | undefined>;
}) => Promise<ResearchResult>;

export interface LiveRunInit {
  runId: string;
  kind: 'start' | 'resume';
  question: string;
  root: string;
  concurrency: number;
  /** A bus of the caller's (e.g. one that reports its listeners' errors); default a new one. */
  bus?: EventBus;
  /** Review the plan before it runs: called when the plan waits for the person, with the review to steer. */
  onReview?: (review: PlanReview) => void;
}

/**
 * The one implementation of RunHandle: it prepares the provider, drives the research, feeds the view
 * model, and owns what the run holds (its AbortController, its provider, which it disposes at the end).
 */
export class LiveRun implements RunHandle {
  readonly runId: string;
  readonly kind: 'start' | 'resume';
  readonly bus: EventBus;
  readonly view: RunViewModel;
  readonly done: Promise<RunDone>;
  started = false;
  ended = false;
  cancelRequested = false;
  review: PlanReview | undefined;
  private readonly controller = new AbortController();
  private provider?: ResearchProvider;
  private dispatcher?: Dispatcher;
  private maxTasks = DEFAULT_MAX_TASKS;
  /** Limits changed while planning, applied when the tasks start. */
  private pending: { concurrency?: number; taskTimeoutMs?: number } = {};

  private readonly onReview?: (review: PlanReview) => void;

  constructor(init: LiveRunInit, prepare: () => Promise<PreparedRun>, drive: DriveRun) {
    this.onReview = init.onReview;
    this.runId = init.runId;
    this.kind = init.kind;
    this.bus = init.bus ?? new EventBus();
    this.view = new RunViewModel({ runId: init.runId, question: init.question, root: init.root, providerLabel: '', concurrency: init.concurrency });
    this.view.attach(this.bus);
    this.done = this.drive(prepare, drive);
  }

  cancel(): void {
    if (this.ended || this.cancelRequested) return;
    this.cancelRequested = true;
    this.view.setStatus('cancelling');
    this.controller.abort();
  }

  cancelTask(taskId: string): string[] {
    return this.live('cancel a task').cancelTask(taskId);
  }

  retryTask(taskId: string): string[] {
    return this.live('retry a task').retryTask(taskId);
  }

  async replan(instruction: string): Promise<ReplanOutcome> {
    const dispatcher = this.live('replan');
    const provider = this.provider!;
    this.view.setStatus('replanning');
    try {
      return await dispatcher.replan(async (tasks) =>
        withReportDepth(
          await provider.replan({ question: dispatcher.plan().question, tasks, instruction }, { signal: this.controller.signal, maxTasks: this.maxTasks }),
          reportDepthOf(tasks),
        ),
      );
    } catch (error) {
      this.view.addNotice('error', `Replan failed: ${this.redact(errorMessage(error))}`);
      throw error;
    } finally {
      if (this.view.status === 'replanning') this.view.setStatus('running');
    }
  }

  setConcurrency(concurrency: number): void {
    if (this.dispatcher) this.dispatcher.setConcurrency(concurrency);
    else this.pending.concurrency = concurrency;
  }

  setTaskTimeout(ms: number): void {
    if (this.dispatcher) this.dispatcher.setTaskTimeout(ms);
    else this.pending.taskTimeoutMs = ms;
  }

  task(taskId: string): TaskSnapshot | undefined {
    return this.dispatcher?.task(taskId);
  }

  inputsOf(taskId: string): TaskSnapshot[] {
    const dispatcher = this.dispatcher;
    const task = dispatcher?.task(taskId);
    if (!dispatcher || !task) return [];
    return task.spec.dependsOn.map((id) => dispatcher.task(id)).filter((t): t is TaskSnapshot => t !== undefined);
  }

  redact(text: string): string {
    return this.provider?.redactor ? this.provider.redactor.text(text) : text;
  }

  /** The dispatcher of a run whose tasks are known, or an error that says why there is none yet. */
  private live(action: string): Dispatcher {
    if (this.ended && !this.dispatcher) throw new RunEndedError(action);
    if (!this.dispatcher) throw new RunNotReadyError(action);
    return this.dispatcher;
  }

  private async drive(prepare: () => Promise<PreparedRun>, drive: DriveRun): Promise<RunDone> {
    try {
      const { provider, transport } = await prepare();
      this.provider = provider;
      // The views and logs see every event without the run's keys (research() sets it too).
      this.bus.redactWith(provider.redactor);
      this.view.setProviderLabel(provider.label);
      this.started = true;
      const result = await drive({
        provider,
        transport,
        bus: this.bus,
        signal: this.controller.signal,
        onDispatcher: (dispatcher, limits) => this.adopt(dispatcher, limits.maxTasks),
        ...(this.onReview ? { review: (plan: Plan, limits: { maxTasks: number }) => this.reviewPlan(plan, limits.maxTasks) } : {}),
      });
      // The report's text, for views that show it (the progress panel, a chat); a file that cannot be
      // read back leaves only its path.
      const markdown = await readFile(result.reportPath, 'utf8').catch(() => undefined);
      if (markdown !== undefined) this.view.setReport(result.reportPath, markdown);
      return { kind: 'finished', ...result, reportMarkdown: markdown };
    } catch (error) {
      if (error instanceof RunAlreadyCompletedError) return { kind: 'already-completed', runId: error.runId, reportPath: error.reportPath };
      if (error instanceof PlanDiscardedError) {
        this.view.addNotice('info', 'The plan was discarded: nothing ran.');
        this.view.end('cancelled');
        return { kind: 'discarded', runId: this.runId };
      }
      this.view.addNotice('error', this.redact(errorMessage(error)));
      if (this.view.status !== 'ended') this.view.end(this.controller.signal.aborted ? 'cancelled' : 'failed');
      throw error;
    } finally {
      this.ended = true;
      this.provider?.dispose?.();
    }
  }

  /** The plan waits for the person: the views show it as PLANNED tasks, the front end steers the review. */
  private async reviewPlan(plan: Plan, maxTasks: number): Promise<Plan | undefined> {
    const provider = this.provider!;
    const signal = this.controller.signal;
    const review = new PlanReview(plan, {
      maxTasks,
      signal,
      replan: (request) => provider.replan(request, { signal, maxTasks }),
      onChange: (draft) => this.view.showPlanForReview(draft),
    });
    this.review = review;
    this.view.showPlanForReview(plan);
    this.onReview!(review);
    try {
      return await review.decision;
    } finally {
      this.review = undefined;
    }
  }

  private adopt(dispatcher: Dispatcher, maxTasks: number): void {
    this.dispatcher = dispatcher;
    this.maxTasks = maxTasks;
    if (this.pending.concurrency !== undefined) dispatcher.setConcurrency(this.pending.concurrency);
    if (this.pending.taskTimeoutMs !== undefined) dispatcher.setTaskTimeout(this.pending.taskTimeoutMs);
    this.pending = {};
  }
}
