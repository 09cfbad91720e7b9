import type { TaskState } from '../../core/task-state';

export { formatDuration, formatNumber } from '../../core/format';

/** Display order of states in the counts: the live ones first, then how tasks ended. */
export const STATE_ORDER: readonly TaskState[] = ['RUNNING', 'RETRYING', 'READY', 'WAITING', 'PENDING', 'PLANNING', 'PLANNED', 'COMPLETED', 'FAILED', 'CANCELLED'];

const LABELS: Record<TaskState, string> = {
  PLANNED: 'planned',
  PENDING: 'pending',
  PLANNING: 'planning',
  WAITING: 'waiting',
  READY: 'ready',
  RUNNING: 'running',
  RETRYING: 'retrying',
  COMPLETED: 'completed',
  FAILED: 'failed',
  CANCELLED: 'cancelled',
};

export function stateLabel(state: TaskState): string {
  return LABELS[state];
}

/** CSS class carrying a state's colour (see progress.css). */
export function stateClass(state: TaskState): string {
  return `state-${state.toLowerCase()}`;
}

export function isTerminalState(state: TaskState): boolean {
  return state === 'COMPLETED' || state === 'FAILED' || state === 'CANCELLED';
}
