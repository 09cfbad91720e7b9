import pLimit, { type LimitFunction } from 'p-limit';
import { errorMessage, formatSeconds, TaskTimeoutError } from './errors';
import { EventBus, type RunOutcome } from './events';
import type { TaskContext, TaskExecutor, TaskResult } from './executor';
import { TaskGraph } from './graph';
import { findCycle } from './graph-algorithms';
import { DEFAULT_MAX_TASKS, describeCycle, PlanValidationError, validatePlan, type Plan, type TaskSpec } from './plan';
import { backoffDelay, DEFAULT_RETRY_POLICY, isRateLimited, isRetryable, retryAfterMs, waitBeyondCap, type RetryPolicy } from './retry';
import { ReadyQueue } from './ready-queue';
import { settleOrAbandon } from './abandon';
import { computeStatistics, type RunStatistics } from './stats';
import { Task, type TaskSnapshot } from './task';
import { isActive, isTerminal, type TaskState } from './task-state';

export interface DispatcherOptions {
  runId: string;
  plan: Plan;
  executor: TaskExecutor;
  /** Tasks running at once; can be changed during the run with `setConcurrency`. */
  concurrency?: number;
  /** Per-attempt timeout; a task's own `timeoutSeconds` overrides it. 0 or undefined: none. */
  taskTimeoutMs?: number;
  retry?: Partial<RetryPolicy>;
  maxTasks?: number;
  bus?: EventBus;
  /** Cancels the whole run when it aborts (e.g. Ctrl-C, the progress notification's cancel button). */
  signal?: AbortSignal;
  /**
   * After an abort, how long to wait for an executor to stop before leaving it behind. Well-behaved
   * executors stop long before; this only keeps a misbehaving one from hanging the run.
   */
  abandonAfterMs?: number;
  random?: () => number;
  /**
   * Tasks completed in an earlier session of this run (resume), with their results: they start
   * COMPLETED and never run. `run()` announces each with a `task:state` (PENDING → COMPLETED, reason
   * RESTORED_REASON, attempt 0) and its `task:result`, so front ends show them like any finished task.
   */
  completed?: ReadonlyMap<string, TaskResult>;
  /**
   * Asked before each attempt of a task starts. A string is a reason not to start it: the task ends
   * CANCELLED with that reason (marked `skipped`), and its dependents run without its result instead
   * of being cancelled too. A budget uses it to stop new research while still writing the report.
   */
  shouldStart?: (task: TaskSnapshot) => string | undefined;
}

/** The reason of the `task:state` event that announces a task restored from an earlier session. */
export const RESTORED_REASON = 'restored: completed before the run was interrupted';

export interface RunSummary {
  runId: string;
  outcome: RunOutcome;
  stats: RunStatistics;
  tasks: TaskSnapshot[];
}

export class RunEndedError extends Error {
  constructor(action: string) {
    super(`the run has ended, so it cannot ${action}: start a new run`);
    this.name = 'RunEndedError';
  }
}

/**
 * Runs a plan's tasks as a DAG. Event-driven: each task carries a counter of unfinished dependencies
 * and becomes ready the moment it reaches zero, so nothing waits for a whole "level". Ready tasks are
 * ordered by remaining critical path (upward rank), then priority, then plan order, in a binary heap:
 * O((n + e) log n) for a run. `p-limit` holds the concurrency limit; tasks are handed to it only when
 * a slot is free, so its FIFO queue never reorders them.
 */
export class Dispatcher {
  readonly runId: string;
  readonly bus: EventBus;
  private question: string;
  private readonly tasks = new Map<string, Task>();
  /** Plan order, used as the last tie-breaker and for stable listings. */
  private readonly order = new Map<string, number>();
  private graph!: TaskGraph;
  private readonly ready: ReadyQueue;
  private readonly limit: LimitFunction;
  private readonly executor: TaskExecutor;
  private readonly retryPolicy: RetryPolicy;
  private readonly runController = new AbortController();
  private readonly inFlight = new Set<Promise<void>>();
  /** Tasks restored as completed from an earlier session, announced when the run starts. */
  private readonly restored: Task[] = [];
  private readonly random: () => number;
  private readonly shouldStart?: (task: TaskSnapshot) => string | undefined;
  private taskTimeoutMs: number;
  private readonly maxTasks: number;
  private readonly abandonAfterMs: number;
  private running = 0;
  /** Tasks waiting out a retry's backoff, outside any slot; the run is not over while there are any. */
  private backingOff = 0;
  /** Tasks not yet COMPLETED, FAILED or CANCELLED; kept as a counter so finishing is O(1) per event. */
  private open = 0;
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
    this.executor = options.executor;
    this.maxTasks = options.maxTasks ?? DEFAULT_MAX_TASKS;
    this.retryPolicy = { ...DEFAULT_RETRY_POLICY, ...options.retry };
    this.taskTimeoutMs = options.taskTimeoutMs ?? 0;
    this.abandonAfterMs = options.abandonAfterMs ?? 2000;
    this.random = options.random ?? Math.random;
    this.shouldStart = options.shouldStart;
    this.limit = pLimit(Math.max(1, Math.floor(options.concurrency ?? 4)));
    this.ready = new ReadyQueue(this.order, isRunnable);
    this.finished = new Promise((resolve) => (this.finish = resolve));

    const plan = validatePlan(options.plan, { maxTasks: this.maxTasks });
    this.question = plan.question;
    for (const spec of plan.tasks) this.addTask(spec);
    for (const [id, result] of options.completed ?? []) this.restore(id, result);
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
      this.announceRestored();
      this.settleInitialStates();
      this.pump();
    }
    return this.finished;
  }

  /** The current plan: every task's spec, in plan order. */
  plan(): Plan {
    return { question: this.question, tasks: this.sortedTasks().map((t) => t.spec) };
  }

  snapshot(): TaskSnapshot[] {
    return this.sortedTasks().map((t) => t.snapshot());
  }

  task(id: string): TaskSnapshot | undefined {
    return this.tasks.get(id)?.snapshot();
  }

  stats(tasks: readonly TaskSnapshot[] = this.snapshot()): RunStatistics {
    return computeStatistics(tasks, {
      startedAt: this.startedAt || Date.now(),
      endedAt: this.endedAt,
      concurrency: this.concurrency,
      graph: this.graph,
    });
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
    for (const task of this.sortedTasks()) if (!isTerminal(task.state)) this.cancelOne(task, reason);
    this.maybeFinish();
  }

  /**
   * Cancels one task, the tasks decomposed from it (by `parent`), and every task that depends on any
   * of them. Returns the ids that were cancelled.
   */
  cancelTask(id: string, reason = 'cancelled by the user'): string[] {
    const root = this.requireTask(id);
    if (this.ended) throw new RunEndedError(`cancel task "${id}"`);
    const affected = this.withDescendantsAndDependents(root.id);
    const cancelled: string[] = [];
    for (const taskId of affected) {
      const task = this.tasks.get(taskId)!;
      if (isTerminal(task.state)) continue;
      this.cancelOne(task, taskId === root.id ? reason : `not run: "${root.id}", which it needs, was cancelled`);
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
    const root = this.requireTask(id);
    if (this.ended) throw new RunEndedError(`retry task "${id}"`);
    if (root.state !== 'FAILED' && root.state !== 'CANCELLED') {
      throw new Error(`task "${id}" is ${root.state.toLowerCase()}; only failed or cancelled tasks can be retried`);
    }
    const requeued = [root, ...this.graph.transitiveDependents(root.id).map((d) => this.tasks.get(d)!)].filter(
      (t) => t.state === 'FAILED' || t.state === 'CANCELLED',
    );
    for (const task of requeued) {
      this.transition(task, 'PENDING');
      task.reason = undefined;
      task.skipped = undefined;
      task.endedAt = undefined;
    }
    this.settleInitialStates();
    this.pump();
    return requeued.map((t) => t.id);
  }

  /**
   * Replaces the plan mid-run without losing finished work. Dispatch pauses while `next` is computed;
   * completed tasks and their results are kept (even when the new plan leaves them out), unfinished tasks
   * the new plan drops are cancelled, failed or cancelled tasks it lists again are queued again, and new
   * tasks are added. An invalid new plan changes nothing and throws a PlanValidationError.
   */
  async replan(next: Plan | ((current: readonly TaskSnapshot[]) => Promise<Plan>)): Promise<{ added: string[]; dropped: string[]; kept: string[] }> {
    if (this.ended) throw new RunEndedError('be replanned');
    if (this.paused) throw new Error('a replan is already in progress');
    this.paused = true;
    try {
      const proposed = typeof next === 'function' ? await next(this.snapshot()) : next;
      if (this.ended || this.cancelled) throw new RunEndedError('be replanned');
      return this.applyPlan(proposed);
    } finally {
      this.paused = false;
      this.pump();
    }
  }

  // ---------------------------------------------------------------- plan and graph

  private applyPlan(proposed: Plan): { added: string[]; dropped: string[]; kept: string[] } {
    const proposedIds = new Set(proposed.tasks?.map((t) => t.id));
    const completedOutsidePlan = new Set(
      [...this.tasks.values()].filter((t) => t.state === 'COMPLETED' && !proposedIds.has(t.id)).map((t) => t.id),
    );
    // Validate the new plan together with the finished work it may depend on; change nothing if invalid.
    const plan = validatePlan(proposed, { maxTasks: this.maxTasks, externalIds: completedOutsidePlan });
    const newTasks = plan.tasks.filter((t) => !this.tasks.has(t.id)).length;
    if (this.tasks.size + newTasks > this.maxTasks) {
      throw new PlanValidationError([
        `the replan would bring the run to ${this.tasks.size + newTasks} tasks, more than the maximum of ${this.maxTasks}`,
      ]);
    }

    // Tasks finished or in flight keep their old specs. The invariants say the merged graph is then
    // acyclic too; check it before changing anything, so that a broken invariant cannot leave the run
    // half-replanned.
    const merged = new Map([...this.tasks].map(([id, task]) => [id, task.spec]));
    for (const spec of plan.tasks) {
      const existing = this.tasks.get(spec.id);
      if (!existing || !(existing.state === 'COMPLETED' || isActive(existing.state))) merged.set(spec.id, spec);
    }
    const cycle = findCycle([...merged.keys()], (id) => merged.get(id)!.dependsOn.filter((d) => merged.has(d)));
    if (cycle) {
      throw new PlanValidationError([
        `with the tasks already finished or running, ${describeCycle(cycle)} would form a cycle`,
      ]);
    }

    const added: string[] = [];
    const kept: string[] = [];
    const dropped: string[] = [];
    for (const spec of plan.tasks) {
      const existing = this.tasks.get(spec.id);
      if (!existing) {
        this.addTask(spec);
        added.push(spec.id);
        continue;
      }
      kept.push(spec.id);
      if (existing.state === 'COMPLETED' || isActive(existing.state)) continue; // finished or in flight: keep as is
      existing.spec = spec;
      if (existing.state === 'FAILED' || existing.state === 'CANCELLED') {
        this.transition(existing, 'PENDING');
        existing.reason = undefined;
        existing.skipped = undefined;
        existing.endedAt = undefined;
      }
    }
    for (const task of this.sortedTasks()) {
      if (proposedIds.has(task.id) || task.state === 'COMPLETED') continue;
      if (!isTerminal(task.state)) {
        this.cancelOne(task, 'dropped by a replan');
        dropped.push(task.id);
      }
    }
    this.question = plan.question;
    this.rebuildGraph();
    this.settleInitialStates();
    this.bus.emit('run:replan', { runId: this.runId, added, dropped, kept, plan: this.plan(), at: Date.now() });
    return { added, dropped, kept };
  }

  private addTask(spec: TaskSpec): void {
    this.tasks.set(spec.id, new Task(spec));
    this.order.set(spec.id, this.order.size);
    this.open++;
  }

  /** Marks a task completed by an earlier session. Not a transition: the task never ran in this one. */
  private restore(id: string, result: TaskResult): void {
    const task = this.tasks.get(id);
    if (!task) throw new Error(`cannot restore task "${id}": it is not in the plan`);
    task.state = 'COMPLETED';
    task.result = result;
    this.restored.push(task);
    this.open--;
  }

  private announceRestored(): void {
    for (const task of this.restored) {
      const at = Date.now();
      this.bus.emit('task:state', { runId: this.runId, taskId: task.id, from: 'PENDING', to: 'COMPLETED', reason: RESTORED_REASON, attempt: 0, at });
      this.bus.emit('task:result', { runId: this.runId, taskId: task.id, result: task.result!, at });
    }
  }

  private rebuildGraph(): void {
    this.graph = new TaskGraph([...this.tasks.values()].map((t) => t.spec));
    this.ready.reset(this.graph.upwardRanks(), [...this.tasks.values()].filter(isRunnable));
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
        this.cancelOne(task, this.blockedReason(blocker));
        continue;
      }
      task.unmetDependencies = deps.filter((d) => d.state !== 'COMPLETED' && !d.skipped).length;
      const target: TaskState = task.unmetDependencies === 0 ? 'READY' : 'WAITING';
      if (task.state !== target) {
        this.transition(task, target);
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
      const work = this.limit(() => this.runTask(task)).finally(() => {
        this.running--;
        this.inFlight.delete(work);
        this.pump();
      });
      this.inFlight.add(work);
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
    const timeout = timeoutMs > 0 ? AbortSignal.timeout(timeoutMs) : undefined;
    const signal = AbortSignal.any([this.runController.signal, taskController.signal, ...(timeout ? [timeout] : [])]);
    task.startedAt ??= Date.now();
    this.transition(task, 'RUNNING');
    const attemptStart = Date.now();
    let outcome: { ok: true; result: TaskResult } | { ok: false; error: unknown };
    try {
      const work = this.executor(task.spec, this.contextFor(task, attempt, signal));
      const result = await settleOrAbandon(work, signal, this.abandonAfterMs, () =>
        this.log('warn', `task "${task.id}" did not stop within ${formatSeconds(this.abandonAfterMs)} of being aborted; leaving it behind`),
      );
      outcome = { ok: true, result };
    } catch (error) {
      outcome = { ok: false, error };
    } finally {
      task.busyMs += Date.now() - attemptStart;
      task.progress = undefined;
    }

    if ((task.state as TaskState) === 'CANCELLED') return; // cancelled during the attempt: its result is discarded
    if (outcome.ok && !signal.aborted) {
      this.complete(task, outcome.result);
      return;
    }
    if (this.runController.signal.aborted || taskController.signal.aborted) return; // cancel() already settled the state
    const error = timeout?.aborted ? new TaskTimeoutError(timeoutMs) : outcome.ok ? new Error('aborted') : outcome.error;

    // Rate limits have their own allowance, so a busy endpoint slows a task without using up its retries.
    const rateLimited = isRateLimited(error);
    const retriesLeft = rateLimited
      ? this.retryPolicy.maxRateLimitRetries - task.rateLimitRetries
      : this.retryPolicy.maxRetries - (task.retries - task.rateLimitRetries);
    const retryable = isRetryable(error);
    const tooLong = retryable ? waitBeyondCap(this.retryPolicy, error) : undefined;
    if (!retryable || retriesLeft <= 0 || tooLong) {
      const attempts = task.attempts === 1 ? '' : ` (after ${task.attempts} attempts)`;
      this.fail(task, `${errorMessage(error)}${tooLong ? `; ${tooLong}` : ''}${attempts}`);
      return;
    }
    const delayMs = backoffDelay(this.retryPolicy, task.retries - task.rateLimitRetries + 1, retryAfterMs(error), this.random);
    task.retries++;
    if (rateLimited) task.rateLimitRetries++;
    this.transition(task, 'RETRYING', `attempt ${attempt} failed: ${errorMessage(error)}; retrying in ${formatSeconds(delayMs)}`);
    this.bus.emit('task:retry', { runId: this.runId, taskId: task.id, attempt, delayMs, error: errorMessage(error), at: Date.now() });
    this.backOff(task, delayMs);
  }

  /**
   * Waits out a retry's backoff without holding a concurrency slot, so independent tasks run
   * meanwhile; then queues the task again (it keeps its rank). Cancel clears the timer at once.
   */
  private backOff(task: Task, delayMs: number): void {
    this.backingOff++;
    task.retryTimer = setTimeout(() => {
      task.retryTimer = undefined;
      this.backingOff--;
      if (task.state !== 'RETRYING') return;
      this.ready.push(task);
      this.pump();
    }, delayMs);
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
      question: this.question,
      progress: (message, fraction) => {
        if (task.state !== 'RUNNING' || signal.aborted) return;
        task.progress = { message, fraction };
        this.bus.emit('task:progress', { runId: this.runId, taskId: task.id, message, fraction, at: Date.now() });
      },
    };
  }

  // ---------------------------------------------------------------- state changes

  private complete(task: Task, result: TaskResult): void {
    task.result = result;
    task.endedAt = Date.now();
    this.transition(task, 'COMPLETED');
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
        this.transition(dependent, 'READY');
        this.ready.push(dependent);
      }
    }
  }

  /** Ends a task that `shouldStart` refused: cancelled, but its dependents go on without its result. */
  private skip(task: Task, reason: string): void {
    this.cancelOne(task, reason);
    task.skipped = true;
    this.releaseDependents(task);
  }

  private fail(task: Task, reason: string): void {
    task.reason = reason;
    task.endedAt = Date.now();
    this.transition(task, 'FAILED', reason);
    const because = this.blockedReason(task);
    for (const id of this.graph.transitiveDependents(task.id)) {
      const dependent = this.tasks.get(id)!;
      if (!isTerminal(dependent.state)) this.cancelOne(dependent, because);
    }
  }

  private blockedReason(blocker: Task): string {
    return blocker.state === 'FAILED'
      ? `not run: "${blocker.id}", which it needs, failed`
      : `not run: "${blocker.id}", which it needs, was cancelled`;
  }

  /** Marks a task cancelled at once (the view shows it immediately) and aborts its attempt, if any. */
  private cancelOne(task: Task, reason: string): void {
    task.reason = reason;
    task.endedAt = Date.now();
    if (task.state === 'PENDING') this.transition(task, 'WAITING');
    this.transition(task, 'CANCELLED', reason);
    task.controller?.abort(new Error(reason));
    if (task.retryTimer) {
      clearTimeout(task.retryTimer);
      task.retryTimer = undefined;
      this.backingOff--;
    }
  }

  private transition(task: Task, to: TaskState, reason?: string): void {
    const from = task.moveTo(to);
    this.open += Number(isTerminal(from)) - Number(isTerminal(to));
    this.bus.emit('task:state', { runId: this.runId, taskId: task.id, from, to, reason, attempt: task.attempts, at: Date.now() });
  }

  private maybeFinish(): void {
    if (!this.started || this.ended || this.paused || this.running > 0 || this.backingOff > 0) return;
    if (this.open > 0 && !this.cancelled && this.ready.length > 0) return;
    if (this.open > 0) {
      // Nothing runs and nothing is ready: an open task waits on something that will never finish.
      for (const task of this.tasks.values()) {
        if (!isTerminal(task.state)) this.cancelOne(task, 'not run: its dependencies can no longer complete');
      }
    }
    this.ended = true;
    this.endedAt = Date.now();
    const tasks = this.snapshot();
    const stats = this.stats(tasks);
    const outcome = this.outcome(tasks);
    this.bus.emit('run:end', { runId: this.runId, outcome, stats, at: this.endedAt });
    this.finish({ runId: this.runId, outcome, stats, tasks });
  }

  private outcome(tasks: readonly TaskSnapshot[]): RunOutcome {
    if (this.cancelled) return 'cancelled';
    const completed = tasks.filter((t) => t.state === 'COMPLETED').length;
    if (completed === tasks.length) return 'completed';
    return completed === 0 ? 'failed' : 'partial';
  }

  // ---------------------------------------------------------------- helpers

  private requireTask(id: string): Task {
    const task = this.tasks.get(id);
    if (!task) throw new Error(`there is no task "${id}" in this run`);
    return task;
  }

  /** In plan order: tasks are only ever appended, and a Map iterates in insertion order. */
  private sortedTasks(): Task[] {
    return [...this.tasks.values()];
  }

  /** The task, its subtasks (by parent, transitively) and every task depending on any of them. */
  private withDescendantsAndDependents(id: string): string[] {
    const children = new Map<string, string[]>();
    for (const task of this.tasks.values()) {
      if (task.spec.parent === undefined) continue;
      let list = children.get(task.spec.parent);
      if (!list) children.set(task.spec.parent, (list = []));
      list.push(task.id);
    }
    const result = new Set<string>([id]);
    const stack = [id];
    while (stack.length > 0) {
      const current = stack.pop()!;
      for (const next of [...(children.get(current) ?? []), ...this.graph.dependentsOf(current)]) {
        if (!result.has(next)) {
          result.add(next);
          stack.push(next);
        }
      }
    }
    return [...result];
  }

  private log(level: 'debug' | 'info' | 'warn' | 'error', message: string): void {
    this.bus.emit('log', { runId: this.runId, level, message, at: Date.now() });
  }
}

/** Ready for a slot: READY, or RETRYING with its backoff over. */
function isRunnable(task: Task): boolean {
  return task.state === 'READY' || (task.state === 'RETRYING' && task.retryTimer === undefined);
}
