import type { EventBus, RunOutcome } from './events';
import type { TaskResult } from './executor';
import { reachable } from './graph-algorithms';
import type { TaskSpec } from './plan';
import { Task, type TaskSnapshot } from './task';
import { isTerminal, type TaskState } from './task-state';

/** The reason of the `task:state` event that announces a task restored from an earlier session. */
export const RESTORED_REASON = 'restored: completed before the run was interrupted';

/**
 * A run's tasks and every change to their state. Each change goes through here, so each is checked
 * against the transition table and announced as a `task:state` event, and the counters the dispatcher
 * decides on (open tasks, tasks backing off) stay true in O(1) per change.
 */
export class TaskTable {
  private readonly tasks = new Map<string, Task>();
  /** Plan order, the last tie-breaker of the ready queue and the order of every listing. */
  readonly order = new Map<string, number>();
  private readonly restored: Task[] = [];
  /** Tasks not yet COMPLETED, FAILED or CANCELLED. */
  open = 0;
  /** Tasks waiting out a retry's backoff, outside any slot; the run is not over while there are any. */
  backingOff = 0;

  constructor(
    private readonly runId: string,
    private readonly bus: EventBus,
  ) {}

  get size(): number {
    return this.tasks.size;
  }

  has(id: string): boolean {
    return this.tasks.has(id);
  }

  get(id: string): Task | undefined {
    return this.tasks.get(id);
  }

  require(id: string): Task {
    const task = this.tasks.get(id);
    if (!task) throw new Error(`there is no task "${id}" in this run`);
    return task;
  }

  /** In plan order: tasks are only ever appended, and a Map iterates in insertion order. */
  all(): Task[] {
    return [...this.tasks.values()];
  }

  specs(): TaskSpec[] {
    return this.all().map((t) => t.spec);
  }

  snapshot(): TaskSnapshot[] {
    return this.all().map((t) => t.snapshot());
  }

  add(spec: TaskSpec): void {
    this.tasks.set(spec.id, new Task(spec));
    this.order.set(spec.id, this.order.size);
    this.open++;
  }

  /** Marks a task completed by an earlier session. Not a transition: the task never ran in this one. */
  restore(id: string, result: TaskResult): void {
    const task = this.tasks.get(id);
    if (!task) throw new Error(`cannot restore task "${id}": it is not in the plan`);
    task.state = 'COMPLETED';
    task.result = result;
    this.restored.push(task);
    this.open--;
  }

  /** Announces the restored tasks, when the run starts, so front ends show them like any finished task. */
  announceRestored(): void {
    for (const task of this.restored) {
      const at = Date.now();
      this.bus.emit('task:state', { runId: this.runId, taskId: task.id, from: 'PENDING', to: 'COMPLETED', reason: RESTORED_REASON, attempt: 0, at });
      this.bus.emit('task:result', { runId: this.runId, taskId: task.id, result: task.result!, at });
    }
  }

  transition(task: Task, to: TaskState, reason?: string): void {
    const from = task.moveTo(to);
    this.open += Number(isTerminal(from)) - Number(isTerminal(to));
    this.bus.emit('task:state', { runId: this.runId, taskId: task.id, from, to, reason, attempt: task.attempts, at: Date.now() });
  }

  /** A failed or cancelled task goes back to PENDING, its earlier attempts still counted. */
  requeue(task: Task): void {
    this.transition(task, 'PENDING');
    task.reason = undefined;
    task.skipped = undefined;
    task.endedAt = undefined;
  }

  /** Marks a task cancelled at once (the view shows it immediately) and aborts its attempt, if any. */
  cancel(task: Task, reason: string): void {
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

  /** Waits `delayMs` outside any slot, then calls `ready` unless the task was cancelled meanwhile. */
  backOff(task: Task, delayMs: number, ready: () => void): void {
    this.backingOff++;
    task.retryTimer = setTimeout(() => {
      task.retryTimer = undefined;
      this.backingOff--;
      if (task.state === 'RETRYING') ready();
    }, delayMs);
  }

  /** The task, its subtasks (by `parent`, transitively) and everything depending on any of them. */
  withDescendantsAndDependents(id: string, dependentsOf: (id: string) => readonly string[]): string[] {
    const children = new Map<string, string[]>();
    for (const task of this.tasks.values()) {
      const parent = task.spec.parent;
      if (parent === undefined) continue;
      let list = children.get(parent);
      if (!list) children.set(parent, (list = []));
      list.push(task.id);
    }
    return [id, ...reachable(id, (current) => [...(children.get(current) ?? []), ...dependentsOf(current)])];
  }
}

/** Ready for a slot: READY, or RETRYING with its backoff over. */
export function isRunnable(task: Task): boolean {
  return task.state === 'READY' || (task.state === 'RETRYING' && task.retryTimer === undefined);
}

/** Why a task did not run, given the dependency that stopped it. */
export function blockedReason(blocker: Task): string {
  return blocker.state === 'FAILED'
    ? `not run: "${blocker.id}", which it needs, failed`
    : `not run: "${blocker.id}", which it needs, was cancelled`;
}

/** A run's outcome once every task has settled. */
export function outcomeOf(tasks: readonly TaskSnapshot[], cancelled: boolean): RunOutcome {
  if (cancelled) return 'cancelled';
  const completed = tasks.filter((t) => t.state === 'COMPLETED').length;
  if (completed === tasks.length) return 'completed';
  return completed === 0 ? 'failed' : 'partial';
}
