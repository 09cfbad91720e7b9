import type { TaskState } from '../../core/task-state';

/** `850 ms`, `12.3 s`, `4 m 05 s`, `1 h 02 m`. */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return '–';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(ms < 10_000 ? 1 : 0)} s`;
  const totalSeconds = Math.floor(ms / 1000);
  const hours = Math.floor(totalSeconds / 3600);
  const minutes = Math.floor((totalSeconds % 3600) / 60);
  const seconds = totalSeconds % 60;
  if (hours > 0) return `${hours} h ${String(minutes).padStart(2, '0')} m`;
  return `${minutes} m ${String(seconds).padStart(2, '0')} s`;
}

/** Display order of states in the counts: the live ones first, then how tasks ended. */
export const STATE_ORDER: readonly TaskState[] = ['RUNNING', 'RETRYING', 'READY', 'WAITING', 'PENDING', 'PLANNING', 'COMPLETED', 'FAILED', 'CANCELLED'];

const LABELS: Record<TaskState, string> = {
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

export function formatNumber(value: number): string {
  return value.toLocaleString('en-US');
}
