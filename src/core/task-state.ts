/**
 * The life of a task, as a table. Every state change goes through `assertTransition`, so an illegal
 * change is a bug that throws at once instead of a tree view that quietly shows nonsense.
 */
export const TaskState = {
  /** In a plan under review: shown, edited, nothing runs. The dispatcher never holds one (see run/plan-review.ts). */
  PLANNED: 'PLANNED',
  PENDING: 'PENDING',
  PLANNING: 'PLANNING',
  WAITING: 'WAITING',
  READY: 'READY',
  RUNNING: 'RUNNING',
  RETRYING: 'RETRYING',
  COMPLETED: 'COMPLETED',
  FAILED: 'FAILED',
  CANCELLED: 'CANCELLED',
} as const;
export type TaskState = (typeof TaskState)[keyof typeof TaskState];

export const ALL_STATES: readonly TaskState[] = Object.values(TaskState);

const TRANSITIONS: Record<TaskState, readonly TaskState[]> = {
  // A reviewed plan's tasks start over as new tasks of the dispatcher; a planned one goes nowhere itself.
  PLANNED: [],
  PENDING: ['PLANNING', 'WAITING', 'READY', 'CANCELLED'],
  PLANNING: ['WAITING', 'READY', 'FAILED', 'CANCELLED'],
  // A waiting task can fail only through its own validation; a failed dependency cancels it.
  WAITING: ['READY', 'CANCELLED', 'FAILED'],
  // READY → WAITING: a replan gave the task a new, unfinished dependency.
  READY: ['RUNNING', 'WAITING', 'CANCELLED'],
  RUNNING: ['COMPLETED', 'FAILED', 'RETRYING', 'CANCELLED'],
  RETRYING: ['RUNNING', 'FAILED', 'CANCELLED'],
  COMPLETED: [],
  // A failed or cancelled task can be queued again (Retry Task, replan); it starts over as PENDING.
  FAILED: ['PENDING'],
  CANCELLED: ['PENDING'],
};

export class IllegalTransitionError extends Error {
  constructor(
    readonly taskId: string,
    readonly from: TaskState,
    readonly to: TaskState,
  ) {
    super(`task '${taskId}' cannot go from ${from} to ${to}`);
    this.name = 'IllegalTransitionError';
  }
}

export function canTransition(from: TaskState, to: TaskState): boolean {
  return TRANSITIONS[from].includes(to);
}

export function assertTransition(taskId: string, from: TaskState, to: TaskState): void {
  if (!canTransition(from, to)) throw new IllegalTransitionError(taskId, from, to);
}

/** States a task does not leave by itself. */
export function isTerminal(state: TaskState): boolean {
  return state === 'COMPLETED' || state === 'FAILED' || state === 'CANCELLED';
}

/** States in which an attempt is in flight or about to be (it holds a concurrency slot). */
export function isActive(state: TaskState): boolean {
  return state === 'RUNNING' || state === 'RETRYING';
}
