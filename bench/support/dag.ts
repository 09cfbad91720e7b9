import type { Plan, TaskSpec } from '../../src/core/plan';
import { mulberry32, randomInt } from '../../test/support/rng';

export interface RandomDagOptions {
  /** Number of tasks. */
  n: number;
  seed: number;
  /** Each task depends on 0..maxDeps tasks (fewer when fewer exist before it). Default 3. */
  maxDeps?: number;
  /**
   * Dependencies are drawn from the `window` tasks just before a task (default: all earlier tasks).
   * A small window makes long, narrow graphs; the default makes wide, shallow ones, like research plans.
   */
  window?: number;
  /** When set, every task simulates a duration drawn from this range, in ms (log-uniform). */
  durationMs?: { min: number; max: number };
}

/**
 * A random DAG as plan tasks `t0 … t(n-1)`: each task depends only on tasks with a smaller index, so
 * the graph is acyclic by construction and `t0 … t(n-1)` is one topological order. The same options
 * always give the same graph, so the dispatcher and the baselines of a run get identical inputs.
 */
export function randomDag(options: RandomDagOptions): TaskSpec[] {
  const random = mulberry32(options.seed);
  const maxDeps = options.maxDeps ?? 3;
  const tasks: TaskSpec[] = [];
  for (let i = 0; i < options.n; i++) {
    const lowest = options.window === undefined ? 0 : Math.max(0, i - options.window);
    const available = i - lowest;
    const wanted = Math.min(available, randomInt(random, 0, maxDeps));
    const deps = new Set<number>();
    // Rejection sampling: `wanted` is tiny next to `available` except for the first few tasks.
    while (deps.size < wanted) deps.add(lowest + Math.floor(random() * available));
    const spec: TaskSpec = {
      id: `t${i}`,
      kind: 'search',
      description: `task ${i}`,
      dependsOn: [...deps].sort((a, b) => a - b).map((d) => `t${d}`),
      priority: 5,
    };
    if (options.durationMs) {
      const { min, max } = options.durationMs;
      // Log-uniform: many short tasks and a few long ones, as with real searches and model calls.
      const ms = Math.round(Math.exp(Math.log(min) + random() * (Math.log(max) - Math.log(min))));
      spec.simulate = { ms, failTimes: 0 };
    }
    tasks.push(spec);
  }
  return tasks;
}

export function planOf(tasks: readonly TaskSpec[], question = 'benchmark'): Plan {
  return { question, tasks: [...tasks] };
}

/** Number of dependency levels (longest chain in tasks), computed in index order. */
export function depthOf(tasks: readonly TaskSpec[]): number {
  const level = new Map<string, number>();
  let depth = 0;
  for (const task of tasks) {
    let own = 1;
    for (const dep of task.dependsOn) own = Math.max(own, (level.get(dep) ?? 0) + 1);
    level.set(task.id, own);
    depth = Math.max(depth, own);
  }
  return depth;
}

export function edgeCount(tasks: readonly TaskSpec[]): number {
  return tasks.reduce((sum, t) => sum + t.dependsOn.length, 0);
}

/**
 * Lower bound on any schedule's makespan at `concurrency`: max(critical path, total work ÷ concurrency),
 * from the tasks' simulated durations. Tasks must be in a topological order (randomDag's are).
 */
export function plannedLowerBound(tasks: readonly TaskSpec[], concurrency: number): { criticalPathMs: number; totalWorkMs: number; lowerBoundMs: number } {
  const finish = new Map<string, number>();
  let criticalPathMs = 0;
  let totalWorkMs = 0;
  for (const task of tasks) {
    const ms = task.simulate?.ms ?? 0;
    let start = 0;
    for (const dep of task.dependsOn) start = Math.max(start, finish.get(dep) ?? 0);
    finish.set(task.id, start + ms);
    criticalPathMs = Math.max(criticalPathMs, start + ms);
    totalWorkMs += ms;
  }
  return { criticalPathMs, totalWorkMs, lowerBoundMs: Math.max(criticalPathMs, totalWorkMs / concurrency) };
}
