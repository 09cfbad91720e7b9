/**
 * The measuring parts of the workers benchmark: one research() run of simulated tasks, in-process or
 * through a transport, timed from the dispatcher's own events; and a run whose tasks are cancelled one
 * by one while a worker holds them, timed until the worker side has stopped each.
 */
import * as path from 'node:path';
import type { Redis } from 'ioredis';
import type { Dispatcher } from '../../src/core/dispatcher';
import { EventBus } from '../../src/core/events';
import type { OpenTransport } from '../../src/core/executor';
import type { ResearchProvider } from '../../src/core/provider';
import { research } from '../../src/core/research';
import { listWorkers, type WorkerView } from '../../src/distributed/registry';

/**
 * The dispatcher's provider: never asked to plan or execute (the plan is given, its tasks simulate
 * their work, and on workers the worker builds its own). Its id tells the workers which provider the
 * run uses; `offline` is one every worker accepts.
 */
export const SIMULATED_PROVIDER: ResearchProvider = {
  id: 'offline',
  label: 'simulated tasks (benchmark)',
  plan: () => Promise.reject(new Error('the benchmark gives its own plan')),
  replan: () => Promise.reject(new Error('the benchmark does not replan')),
  execute: (task) => Promise.reject(new Error(`task "${task.id}" does not simulate its work`)),
};

/** `count` independent tasks; each sleeps `ms` when `ms` is given, else goes to the worker's provider. */
export function independentPlan(prefix: string, count: number, ms: number | undefined): unknown {
  return {
    question: 'benchmark: workers on Redis',
    tasks: Array.from({ length: count }, (_, i) => ({
      id: `${prefix}${i}`,
      kind: 'search',
      description: `benchmark task ${i}`,
      ...(ms !== undefined && { simulate: { ms } }),
    })),
  };
}

export interface RunMeasure {
  /** From the first task's start to the last task's completion, as the dispatcher saw them. */
  makespanMs: number;
  completed: number;
  /** Per task: (RUNNING → COMPLETED as the dispatcher saw it) − the simulated time. */
  overheadsMs: number[];
}

/**
 * One research() run of `tasks` independent tasks of `ms` each (no journal, report in `dir`). Times
 * come from the dispatcher's task:state events, stamped with performance.now() as they are emitted:
 * RUNNING is when the dispatcher hands the task to its executor (in-process) or transport (Redis),
 * COMPLETED is when the result is back. Opening the transport and writing the report are left out.
 */
export async function measureRun(options: { dir: string; tasks: number; ms: number; concurrency: number; transport?: OpenTransport }): Promise<RunMeasure> {
  const bus = new EventBus();
  const startedAt = new Map<string, number>();
  const overheadsMs: number[] = [];
  let first = Infinity;
  let last = -Infinity;
  bus.on('task:state', (event) => {
    const now = performance.now();
    if (event.to === 'RUNNING') {
      startedAt.set(event.taskId, now);
      first = Math.min(first, now);
    } else if (event.to === 'COMPLETED') {
      overheadsMs.push(now - startedAt.get(event.taskId)! - options.ms);
      last = Math.max(last, now);
    }
  });
  const result = await research({
    question: 'benchmark',
    root: options.dir,
    provider: SIMULATED_PROVIDER,
    plan: independentPlan('t', options.tasks, options.ms),
    concurrency: options.concurrency,
    maxTasks: options.tasks,
    journal: false,
    bus,
    transport: options.transport,
    outFile: path.join(options.dir, 'report.md'),
  });
  return { makespanMs: last - first, completed: result.stats.byState.COMPLETED, overheadsMs };
}

async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs: number, everyMs: number): Promise<T> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (performance.now() > deadline) throw new Error(`gave up after ${timeoutMs / 1000} s waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
}

/** The registered worker that says it is running `taskId`, if any. */
async function holderOf(redis: Redis, taskId: string): Promise<WorkerView | undefined> {
  return (await listWorkers(redis)).find((w) => w.running.some((t) => t.taskId === taskId));
}

export interface CancelSample {
  /** cancelTask() → the worker's registry record no longer lists the task (polled every POLL_MS). */
  registryMs: number;
  /** cancelTask() → the task's AbortSignal fired on the worker, when the caller can see it (in-process worker). */
  abortMs?: number;
}

/** How often the registry is read while waiting: the measured times are late by up to about this much. */
export const POLL_MS = 2;
/** The task has been running on its worker this long when it is cancelled. */
export const RUNNING_BEFORE_CANCEL_MS = 100;

/**
 * One run of `count` long tasks at dispatcher concurrency 1: each, once a worker holds it, is
 * cancelled with dispatcher.cancelTask, and the time until the worker side has stopped it is taken;
 * the dispatcher then starts the next. `abortedAt` is filled by an in-process worker's provider.
 */
export async function measureCancels(options: {
  dir: string;
  transport: OpenTransport;
  redis: Redis;
  count: number;
  prefix: string;
  /** Simulated duration of each task; undefined: the task goes to the worker's provider. */
  simulateMs?: number;
  abortedAt?: ReadonlyMap<string, number>;
}): Promise<CancelSample[]> {
  let dispatcher: Dispatcher | undefined;
  const controller = new AbortController();
  const running = research({
    question: 'benchmark',
    root: options.dir,
    provider: SIMULATED_PROVIDER,
    plan: independentPlan(options.prefix, options.count, options.simulateMs),
    concurrency: 1,
    journal: false,
    transport: options.transport,
    signal: controller.signal,
    onDispatcher: (d) => (dispatcher = d),
    outFile: path.join(options.dir, 'cancel-report.md'),
  });
  const samples: CancelSample[] = [];
  try {
    for (let i = 0; i < options.count; i++) {
      const taskId = `${options.prefix}${i}`;
      await until(`a worker to hold "${taskId}"`, () => holderOf(options.redis, taskId), 15_000, 5);
      await new Promise((resolve) => setTimeout(resolve, RUNNING_BEFORE_CANCEL_MS));
      const cancelledAt = performance.now();
      dispatcher!.cancelTask(taskId, 'benchmark cancel');
      await until(`the worker to stop "${taskId}"`, async () => ((await holderOf(options.redis, taskId)) ? undefined : true), 15_000, POLL_MS);
      const registryMs = performance.now() - cancelledAt;
      const aborted = options.abortedAt?.get(taskId);
      samples.push({ registryMs, ...(aborted !== undefined && { abortMs: aborted - cancelledAt }) });
    }
  } finally {
    controller.abort(new Error('the benchmark is done with this run')); // ends the run at once if a wait above failed
    await running.catch(() => undefined);
  }
  return samples;
}
