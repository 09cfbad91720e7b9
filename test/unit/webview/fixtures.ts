import type { RunViewSnapshot, TaskView } from '../../../src/core/run-view';
import { ALL_STATES, type TaskState } from '../../../src/core/task-state';

/** A task view with sensible defaults: `taskView('b', ['a'], { state: 'RUNNING' })`. */
export function taskView(id: string, dependsOn: string[] = [], extra: Partial<TaskView> = {}): TaskView {
  return { id, kind: 'search', description: `task ${id}`, dependsOn, state: 'WAITING', attempts: 0, retries: 0, spans: [], ...extra };
}

/** A snapshot of the given tasks; counts are derived from their states. */
export function snapshotOf(tasks: TaskView[], extra: Partial<RunViewSnapshot> = {}): RunViewSnapshot {
  const counts = Object.fromEntries(ALL_STATES.map((s) => [s, 0])) as Record<TaskState, number>;
  for (const task of tasks) counts[task.state]++;
  return {
    version: 1,
    runId: 'run-1',
    question: 'How are retries handled?',
    root: '/workspace',
    providerLabel: 'offline',
    status: 'running',
    startedAt: 1_700_000_000_000,
    concurrency: 4,
    tasks,
    counts,
    retries: tasks.reduce((n, t) => n + t.retries, 0),
    usage: { inputTokens: 0, outputTokens: 0, costUsd: 0 },
    notices: [],
    ...extra,
  };
}

/** search-1..n → analyze → synthesize, as the offline planner makes them. */
export function researchShaped(searches: number, state: TaskState = 'WAITING'): TaskView[] {
  const ids = Array.from({ length: searches }, (_, i) => `search-${i + 1}`);
  return [
    ...ids.map((id) => taskView(id, [], { state })),
    taskView('analyze', ids, { kind: 'analyze', state }),
    taskView('synthesize', ['analyze'], { kind: 'synthesize', state }),
  ];
}
