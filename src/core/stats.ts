import { TaskGraph } from './graph';
import { criticalPath } from './graph-algorithms';
import type { TaskSnapshot } from './task';
import { ALL_STATES, type TaskState } from './task-state';

export interface TaskTiming {
  id: string;
  state: TaskState;
  attempts: number;
  retries: number;
  /** From first start to end, backoff included. */
  durationMs?: number;
  /** Time inside attempts. */
  busyMs: number;
}

export interface RunStatistics {
  total: number;
  byState: Record<TaskState, number>;
  attempts: number;
  retries: number;
  /** Wall-clock time from the run's start to its end (or to now while it runs). */
  makespanMs: number;
  /** The chain of dependent tasks that took longest, by time spent in attempts. */
  criticalPath: string[];
  criticalPathMs: number;
  /** Sum of all time spent in attempts. */
  totalWorkMs: number;
  /** max(critical path, total work ÷ concurrency): no schedule can beat it. */
  lowerBoundMs: number;
  concurrency: number;
  tasks: TaskTiming[];
  usage: { inputTokens: number; outputTokens: number; costUsd: number };
}

export function computeStatistics(
  tasks: readonly TaskSnapshot[],
  run: { startedAt: number; endedAt?: number; concurrency: number; now?: number; graph?: TaskGraph },
): RunStatistics {
  const byState = Object.fromEntries(ALL_STATES.map((s) => [s, 0])) as Record<TaskState, number>;
  let attempts = 0;
  let retries = 0;
  let totalWorkMs = 0;
  const usage = { inputTokens: 0, outputTokens: 0, costUsd: 0 };
  const timings: TaskTiming[] = [];
  const byId = new Map<string, TaskSnapshot>();
  for (const task of tasks) {
    byId.set(task.spec.id, task);
    byState[task.state]++;
    attempts += task.attempts;
    retries += task.retries;
    totalWorkMs += task.busyMs;
    const u = task.result?.usage;
    if (u) {
      usage.inputTokens += u.inputTokens;
      usage.outputTokens += u.outputTokens;
      usage.costUsd += u.costUsd ?? 0;
    }
    timings.push({
      id: task.spec.id,
      state: task.state,
      attempts: task.attempts,
      retries: task.retries,
      durationMs: task.startedAt !== undefined && task.endedAt !== undefined ? task.endedAt - task.startedAt : undefined,
      busyMs: task.busyMs,
    });
  }
  // The dispatcher passes the graph it already has; building one over 50,000 tasks takes a second.
  const graph = run.graph ?? new TaskGraph(tasks.map((task) => task.spec));
  const path = criticalPath(
    graph.topologicalOrder(),
    (id) => graph.dependenciesOf(id),
    (id) => byId.get(id)?.busyMs ?? 0,
  );
  const end = run.endedAt ?? run.now ?? Date.now();
  return {
    total: tasks.length,
    byState,
    attempts,
    retries,
    makespanMs: Math.max(0, end - run.startedAt),
    criticalPath: path.path,
    criticalPathMs: path.length,
    totalWorkMs,
    lowerBoundMs: Math.max(path.length, totalWorkMs / Math.max(1, run.concurrency)),
    concurrency: run.concurrency,
    tasks: timings,
    usage,
  };
}
