import pLimit, { type LimitFunction } from 'p-limit';
import { DEFAULT_LIMITS } from './defaults';
import { RunEndedError, type DispatcherOptions, type RunSummary } from './dispatcher-options';
import { errorMessage, formatSeconds } from './errors';
import { EventBus } from './events';
import type { TaskContext, TaskExecutor, TaskResult } from './executor';
import { TaskGraph } from './graph';
import { DEFAULT_MAX_TASKS, validatePlan, type Plan } from './plan';
import { mergePlan } from './plan-merge';
import { ReadyQueue } from './ready-queue';
import { decideRetry, DEFAULT_RETRY_POLICY, type RetryPolicy } from './retry';
import { computeStatistics, type RunStatistics } from './stats';
import type { Task, TaskSnapshot } from './task';
import { runAttempt } from './task-attempt';
import { isTerminal, type TaskState } from './task-state';
import { blockedReason, isRunnable, outcomeOf, TaskTable } from './task-table';

export { RunEndedError, type DispatcherOptions, type RunSummary } from './dispatcher-options';
export { RESTORED_REASON } from './task-table';

/**
 * Schedules a plan's tasks as a DAG. Event-driven: each task carries a counter of unfinished dependencies
 * and becomes ready the moment it reaches zero, so nothing waits for a whole "level". Ready tasks are
 * scheduled by remaining critical path (upward rank), then priority, then plan order, in a binary heap:
 * O((n + e) log n) for a run. `p-limit` holds the concurrency limit; tasks are handed to it only when
 * a slot is free, so its FIFO queue never reorders them. Every state change goes through the
 * TaskTable, which announces it.
 */
export class Dispatcher {
  readonly runId: string;
  readonly bus: EventBus;
  private question: string;
  private readonly tasks: TaskTable;
  private graph!: TaskGraph;
  private readonly ready: ReadyQueue;
  private readonly limit: LimitFunction;
  private readonly executor: TaskExecutor;
  private readonly retryPolicy: RetryPolicy;
  private readonly runController = new AbortController();
  private readonly random: () => number;
  private readonly shouldStart?: (task: TaskSnapshot) => string | undefined;
  private readonly usage?: DispatcherOptions['usage'];
  private taskTimeoutMs: number;
  private readonly maxTasks: number;
  private readonly abandonAfterMs: number;
  private running = 0;
  private paused = false;
  private started = false;
  private ended = false;
  private cancelled = false;
  private startedAt = 0;
  private endedAt?: number;
  private finish!: (summary: RunSummary) => void;
  private readonly finished: Promise<RunSummary>;

  constructor(options: DispatcherOptions) {
    this.runId = options.runId;
    this.bus = options.bus ?? new EventBus();
    this.tasks = new TaskTable(this.runId, this.bus);
    this.executor = options.executor;
    this.maxTasks = options.maxTasks ?? DEFAULT_MAX_TASKS;
    this.retryPolicy = { ...DEFAULT_RETRY_POLICY, ...options.retry };
    this.taskTimeoutMs = options.taskTimeoutMs ?? 0;
    this.abandonAfterMs = options.abandonAfterMs ?? 2000;
    this.random = options.random ?? Math.random;
    this.shouldStart = options.shouldStart;
    this.usage = options.usage;
    this.limit = pLimit(Math.max(1, Math.floor(options.concurrency ?? DEFAULT_LIMITS.concurrency)));
    this.ready = new ReadyQueue(this.tasks.order, isRunnable);
    this.finished = new Promise((resolve) => (this.finish = resolve));

    const plan = validatePlan(options.plan, { maxTasks: this.maxTasks });
    this.question = plan.question;
    for (const spec of plan.tasks) this.tasks.add(spec);
    for (const [id, result] of options.completed ?? []) this.tasks.restore(id, result);
    this.rebuildGraph();

    if (options.signal) {
      if (options.signal.aborted) this.cancel('the run was cancelled before it started');
      else options.signal.addEventListener('abort', () => this.cancel('the run was cancelled'), { once: true });
    }
  }

  get concurrency(): number {
    return this.limit.concurrency;
  }

  get isEnded(): boolean {
    return this.ended;
  }

  /** Starts the run (once) and resolves when every task has settled. Never rejects for task failures. */
  run(): Promise<RunSummary> {
    if (!this.started) {
      this.started = true;
      this.startedAt = Date.now();
      this.bus.emit('run:start', { runId: this.runId, question: this.question, plan: this.plan(), at: this.startedAt });
      this.tasks.announceRestored();
      this.settleInitialStates();
      this.pump();
    }
    return this.finished;
  }

  /** The current plan: every task's spec, in plan order. */
  plan(): Plan {
    return { question: this.question, tasks: this.tasks.specs() };
  }

  snapshot(): TaskSnapshot[] {
    return this.tasks.snapshot();
  }

  task(id: string): TaskSnapshot | undefined {
    return this.tasks.get(id)?.snapshot();
  }

  stats(tasks: readonly TaskSnapshot[] = this.snapshot()): RunStatistics {
    const stats = computeStatistics(tasks, { startedAt: this.startedAt || Date.now(), endedAt: this.endedAt, concurrency: this.concurrency, graph: this.graph });
    if (this.usage) stats.usage = this.usage();
    return stats;
  }

  /** Changes how many tasks run at once, effective immediately (extra slots fill at once). */
  setConcurrency(concurrency: number): void {
    const value = Math.max(1, Math.floor(concurrency));
    if (value === this.limit.concurrency) return;
    this.limit.concurrency = value;
    this.bus.emit('run:concurrency', { runId: this.runId, concurrency: value, at: Date.now() });
    this.pump();
  }

  /** Applies to attempts that start from now on. */
  setTaskTimeout(ms: number): void {
    this.taskTimeoutMs = Math.max(0, ms);
  }

  /** Cancels the whole run: in-flight attempts are aborted, nothing new starts. */
  cancel(reason = 'the run was cancelled'): void {
    if (this.ended || this.cancelled) return;
    this.cancelled = true;
    this.runController.abort(new Error(reason));
    for (const task of this.tasks.all()) if (!isTerminal(task.state)) this.tasks.cancel(task, reason);
    this.maybeFinish();
  }

  /**
   * Cancels one task, the tasks decomposed from it (by `parent`), and every task that depends on any
   * of them. Returns the ids that were cancelled.
   */
  cancelTask(id: string, reason = 'cancelled by the user'): string[] {
    const root = this.tasks.require(id);
    if (this.ended) throw new RunEndedError(`cancel task "${id}"`);
    const cancelled: string[] = [];
    for (const taskId of this.tasks.withDescendantsAndDependents(root.id, (t) => this.graph.dependentsOf(t))) {
      const task = this.tasks.get(taskId)!;
      if (isTerminal(task.state)) continue;
      this.tasks.cancel(task, taskId === root.id ? reason : `not run: "${root.id}", which it needs, was cancelled`);
      cancelled.push(taskId);
    }
    this.pump(); // drops the cancelled tasks' queue entries, and ends the run if nothing is left
    return cancelled;
  }

  /**
   * Queues a failed or cancelled task again, with the dependents that were cancelled because of it.
   * Its earlier attempts still count in its statistics.
   */
  retryTask(id: string): string[] {
    const root = this.tasks.require(id);
    if (this.ended) throw new RunEndedError(`retry task "${id}"`);
    if (root.state !== 'FAILED' && root.state !== 'CANCELLED') {
      throw new Error(`task "${id}" is ${root.state.toLowerCase()}; only failed or cancelled tasks can be retried`);
    }
    const requeued = [root, ...this.graph.transitiveDependents(root.id).map((d) => this.tasks.get(d)!)].filter(
      (t) => t.state === 'FAILED' || t.state === 'CANCELLED',
    );
    for (const task of requeued) this.tasks.requeue(task);
    this.settleInitialStates();
    this.pump();
    return requeued.map((t) => t.id);
  }

  /**
   * Replaces the plan mid-run without losing finished work (see mergePlan). Dispatch pauses while
   * `next` is computed; unfinished tasks the new plan drops are cancelled, failed or cancelled tasks it
   * lists again are queued again, and new tasks are added. An invalid new plan changes nothing and
   * throws a PlanValidationError.
   */
  async replan(next: Plan | ((current: readonly TaskSnapshot[]) => Promise<Plan>)): Promise<{ added: string[]; dropped: string[]; kept: string[] }> {
    if (this.ended) throw new RunEndedError('be replanned');
    if (this.paused) throw new Error('a replan is already in progress');
    this.paused = true;
    try {
      const proposed = typeof next === 'function' ? await next(this.snapshot()) : next;
      if (this.ended || this.cancelled) throw new RunEndedError('be replanned');
      const { question, changes, added, dropped, kept } = mergePlan(this.tasks.all(), proposed, this.maxTasks);
      for (const change of changes) {
        if (change.kind === 'add') {
          this.tasks.add(change.spec);
          continue;
        }
        const task = this.tasks.get(change.spec.id)!;
        task.spec = change.spec;
        if (change.requeue) this.tasks.requeue(task);
      }
      for (const id of dropped) this.tasks.cancel(this.tasks.get(id)!, 'dropped by a replan');
      this.question = question;
      this.rebuildGraph();
      this.settleInitialStates();
      this.bus.emit('run:replan', { runId: this.runId, added, dropped, kept, plan: this.plan(), at: Date.now() });
      return { added, dropped, kept };
    } finally {
      this.paused = false;
      this.pump();
    }
  }

  // ---------------------------------------------------------------- plan and graph

  private rebuildGraph(): void {
    this.graph = new TaskGraph(this.tasks.specs());
    this.ready.reset(this.graph.upwardRanks(), this.tasks.all().filter(isRunnable));
  }

  /**
   * Recounts unmet dependencies and moves PENDING/WAITING/READY tasks to WAITING or READY accordingly.
   * In topological order, so a task blocked in this pass blocks its dependents in the same pass.
   */
  private settleInitialStates(): void {
    for (const id of this.graph.topologicalOrder()) {
      const task = this.tasks.get(id)!;
      if (task.state !== 'PENDING' && task.state !== 'WAITING' && task.state !== 'READY') continue;
      const deps = this.graph.dependenciesOf(task.id).map((d) => this.tasks.get(d)!);
      const blocker = deps.find((d) => d.state === 'FAILED' || (d.state === 'CANCELLED' && !d.skipped));
      if (blocker) {
        this.tasks.cancel(task, blockedReason(blocker));
        continue;
      }
      task.unmetDependencies = deps.filter((d) => d.state !== 'COMPLETED' && !d.skipped).length;
      const target: TaskState = task.unmetDependencies === 0 ? 'READY' : 'WAITING';
      if (task.state !== target) {
        this.tasks.transition(task, target);
        if (target === 'READY') this.ready.push(task);
      }
    }
  }

  // ---------------------------------------------------------------- dispatch

  private pump(): void {
    if (!this.started || this.ended) return;
    while (!this.paused && !this.cancelled && this.running < this.limit.concurrency) {
      const task = this.ready.pop();
      if (!task) break;
      const skipReason = this.shouldStart?.(task.snapshot());
      if (skipReason !== undefined) {
        this.skip(task, skipReason);
        continue;
      }
      this.running++;
      void this.limit(() => this.runTask(task)).finally(() => {
        this.running--;
        this.pump();
      });
    }
    this.maybeFinish();
  }

  /** Runs one attempt of a task in a concurrency slot; a retry is queued again after its backoff. */
  private async runTask(task: Task): Promise<void> {
    if (task.state !== 'READY' && task.state !== 'RETRYING') return; // cancelled while waiting for its slot
    const attempt = ++task.attempts;
    const taskController = new AbortController();
    task.controller = taskController;
    const timeoutMs = task.spec.timeoutSeconds !== undefined ? task.spec.timeoutSeconds * 1000 : this.taskTimeoutMs;
    task.startedAt ??= Date.now();
    this.tasks.transition(task, 'RUNNING');
    const attemptStart = Date.now();
    const outcome = await runAttempt((signal) => this.executor(task.spec, this.contextFor(task, attempt, signal)), {
      runSignal: this.runController.signal,
      taskSignal: taskController.signal,
      timeoutMs,
      abandonAfterMs: this.abandonAfterMs,
      onAbandoned: () =>
        this.log('warn', `task "${task.id}" did not stop within ${formatSeconds(this.abandonAfterMs)} of being aborted; leaving it behind`),
    });
    task.busyMs += Date.now() - attemptStart;
    task.progress = undefined;

    if ((task.state as TaskState) === 'CANCELLED' || outcome.kind === 'cancelled') return; // cancel settled the state
    if (outcome.kind === 'completed') {
      this.complete(task, outcome.result);
      return;
    }
    const { error } = outcome;
    const decision = decideRetry(this.retryPolicy, error, task, this.random);
    if (!decision.retry) {
      const attempts = task.attempts === 1 ? '' : ` (after ${task.attempts} attempts)`;
      this.fail(task, `${errorMessage(error)}${decision.why ? `; ${decision.why}` : ''}${attempts}`);
      return;
    }
    task.retries++;
    if (decision.rateLimited) task.rateLimitRetries++;
    const { delayMs } = decision;
    this.tasks.transition(task, 'RETRYING', `attempt ${attempt} failed: ${errorMessage(error)}; retrying in ${formatSeconds(delayMs)}`);
    this.bus.emit('task:retry', { runId: this.runId, taskId: task.id, attempt, delayMs, error: errorMessage(error), at: Date.now() });
    // The backoff holds no slot, so independent tasks run meanwhile; then the task queues again with its rank.
    this.tasks.backOff(task, delayMs, () => {
      this.ready.push(task);
      this.pump();
    });
  }

  private contextFor(task: Task, attempt: number, signal: AbortSignal): TaskContext {
    const inputs = new Map<string, TaskResult>();
    for (const dep of this.graph.dependenciesOf(task.id)) {
      const result = this.tasks.get(dep)?.result;
      if (result) inputs.set(dep, result);
    }
    return {
      signal,
      attempt,
      inputs,
      question: task.spec.question ?? this.question,
      progress: (message, fraction) => {
        if (task.state !== 'RUNNING' || signal.aborted) return;
        task.progress = { message, fraction };
        this.bus.emit('task:progress', { runId: this.runId, taskId: task.id, message, fraction, at: Date.now() });
      },
    };
  }

  // ---------------------------------------------------------------- endings

  private complete(task: Task, result: TaskResult): void {
    task.result = result;
    task.endedAt = Date.now();
    this.tasks.transition(task, 'COMPLETED');
    this.bus.emit('task:result', { runId: this.runId, taskId: task.id, result, at: task.endedAt });
    this.releaseDependents(task);
  }

  /** One dependency of each waiting dependent is now met; those with none left become ready. */
  private releaseDependents(task: Task): void {
    for (const dependentId of this.graph.dependentsOf(task.id)) {
      const dependent = this.tasks.get(dependentId)!;
      if (dependent.state !== 'WAITING') continue;
      dependent.unmetDependencies--;
      if (dependent.unmetDependencies === 0) {
        this.tasks.transition(dependent, 'READY');
        this.ready.push(dependent);
      }
    }
  }

  /** Ends a task that `shouldStart` refused: cancelled, but its dependents go on without its result. */
  private skip(task: Task, reason: string): void {
    this.tasks.cancel(task, reason);
    task.skipped = true;
    this.releaseDependents(task);
  }

  private fail(task: Task, reason: string): void {
    task.reason = reason;
    task.endedAt = Date.now();
    this.tasks.transition(task, 'FAILED', reason);
    const because = blockedReason(task);
    for (const id of this.graph.transitiveDependents(task.id)) {
      const dependent = this.tasks.get(id)!;
      if (!isTerminal(dependent.state)) this.tasks.cancel(dependent, because);
    }
  }

  private maybeFinish(): void {
    if (!this.started || this.ended || this.paused || this.running > 0 || this.tasks.backingOff > 0) return;
    if (this.tasks.open > 0 && !this.cancelled && this.ready.length > 0) return;
    if (this.tasks.open > 0) {
      // Nothing runs and nothing is ready: an open task waits on something that will never finish.
      for (const task of this.tasks.all()) {
        if (!isTerminal(task.state)) this.tasks.cancel(task, 'not run: its dependencies can no longer complete');
      }
    }
    this.ended = true;
    this.endedAt = Date.now();
    const tasks = this.snapshot();
    const stats = this.stats(tasks);
    const outcome = outcomeOf(tasks, this.cancelled);
    this.bus.emit('run:end', { runId: this.runId, outcome, stats, at: this.endedAt });
    this.finish({ runId: this.runId, outcome, stats, tasks });
  }

  private log(level: 'debug' | 'info' | 'warn' | 'error', message: string): void {
    this.bus.emit('log', { runId: this.runId, level, message, at: Date.now() });
  }
}
