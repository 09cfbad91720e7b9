/**
 * Benchmark 7: workers on Redis. The same simulated tasks (sleeps, so no provider and no CPU work of
 * their own) run by the in-process dispatcher and by 1, 2 and 4 worker processes (dist/worker.js, as
 * `npm run worker` starts them) on a redis-server the benchmark starts on a free loopback port. The
 * dispatcher's concurrency equals the workers' slots, so the workers are the bottleneck and both sides
 * have the same number of slots. Then the round trip of one task at a time, and cancel latency:
 * cancelTask → the worker has stopped the task. The tables are written by workers-report.ts.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Redis } from 'ioredis';
import { checkRedisReachable } from '../../src/distributed/connection';
import { redisTransport } from '../../src/distributed/redis-transport';
import { ResearchWorker } from '../../src/distributed/research-worker';
import { parseRedisUrl } from '../../src/distributed/redis-url';
import { RedisServer, redisServerInstalled } from '../../test/support/redis-server';
import { WorkerProcess } from '../../test/support/worker-process';
import { ensureWorkerBuilt } from '../support/built-worker';
import { collectGarbage, fixed, percentile, summarize } from '../support/measure';
import { ownCpuMs, processCpuMs, redisCpuMs } from '../support/process-cpu';
import { measureCancels, measureRun, SIMULATED_PROVIDER, type RunMeasure } from '../support/worker-runs';
import type { BenchContext, BenchSection } from './types';
import { skippedSection, workersSection, type CpuMs, type Measured, type Mode, type WorkersConfig, type WorkersMeasurements } from './workers-report';

export type { WorkersConfig } from './workers-report';

export const FULL: WorkersConfig = {
  workerCounts: [1, 2, 4],
  perWorker: 4,
  short: { tasks: 400, ms: 20, repetitions: 2 },
  long: { tasks: 48, ms: 250, repetitions: 2 },
  latency: { tasks: 40, ms: 20 },
  cancels: 10,
};

export const QUICK: WorkersConfig = {
  workerCounts: [1, 2, 4],
  perWorker: 4,
  short: { tasks: 120, ms: 20, repetitions: 1 },
  long: { tasks: 32, ms: 100, repetitions: 1 },
  latency: { tasks: 20, ms: 20 },
  cancels: 5,
};

const MODES: readonly Mode[] = ['in-process', 'workers'];

export function benchWorkers(ctx: BenchContext): Promise<BenchSection> {
  return runWorkersBench(ctx, ctx.quick ? QUICK : FULL);
}

/** `installed` is for the unit test of the skipped section; by default, whether redis-server is on the PATH. */
export async function runWorkersBench(ctx: BenchContext, config: WorkersConfig, installed = redisServerInstalled()): Promise<BenchSection> {
  if (!installed) {
    ctx.log('  skipped: redis-server not installed');
    return skippedSection();
  }
  if (await ensureWorkerBuilt()) ctx.log('  built dist/ (dist/worker.js was missing or older than src/)');

  const measurements: WorkersMeasurements = { config, runs: new Map(), latency: new Map(), processCancels: [], inProcessCancels: [], cores: os.cpus().length, load: { start: os.loadavg()[0]!, end: NaN } };
  const dir = mkdtempSync(path.join(os.tmpdir(), 'research-bench-workers-'));
  const workers: WorkerProcess[] = [];
  let server: RedisServer | undefined;
  let observer: Redis | undefined;
  let inProcessWorker: ResearchWorker | undefined;
  try {
    server = await RedisServer.start();
    const target = parseRedisUrl(server.url);
    await checkRedisReachable(target);
    const transport = redisTransport(target);
    observer = new Redis(target.url, { maxRetriesPerRequest: null });
    observer.on('error', () => undefined);
    const redis = observer;
    const startWorkers = async (count: number) => {
      const args = ['--redis', target.url, '--dir', dir, '--capabilities', 'search', '--concurrency', String(config.perWorker)];
      workers.push(...(await Promise.all(Array.from({ length: count }, () => WorkerProcess.start(args)))));
    };
    const stopWorkers = () => Promise.all(workers.splice(0).map((w) => w.stop()));
    const cpuNow = async (): Promise<CpuMs> => ({
      dispatcher: ownCpuMs(),
      workers: workers.reduce((sum, w) => sum + processCpuMs(w.pid), 0),
      redis: await redisCpuMs(redis),
    });
    const measure = async (options: { tasks: number; ms: number; concurrency: number; mode: Mode }): Promise<Measured> => {
      collectGarbage();
      const before = await cpuNow();
      const run: RunMeasure = await measureRun({ dir, ...options, ...(options.mode === 'workers' && { transport }) });
      const after = await cpuNow();
      if (run.completed !== options.tasks) throw new Error(`${options.mode} at concurrency ${options.concurrency} completed ${run.completed} of ${options.tasks} tasks`);
      return { ...run, cpuMs: { dispatcher: after.dispatcher - before.dispatcher, workers: after.workers - before.workers, redis: after.redis - before.redis } };
    };

    for (const count of config.workerCounts) {
      const t0 = performance.now();
      const slots = count * config.perWorker;
      await startWorkers(count);
      // Warm-up, not counted: the workers' first jobs (JIT, their offline provider), the dispatcher's code paths.
      for (const mode of MODES) await measureRun({ dir, tasks: slots * 2, ms: 1, concurrency: slots, ...(mode === 'workers' && { transport }) });
      for (const workload of ['short', 'long'] as const) {
        const { tasks, ms: taskMs, repetitions } = config[workload];
        for (let r = 0; r < repetitions; r++) {
          // Interleaved, so a change in the machine's load during the run touches both alike.
          for (const mode of MODES) {
            const key = `${workload}|${mode}|${count}`;
            measurements.runs.set(key, [...(measurements.runs.get(key) ?? []), await measure({ tasks, ms: taskMs, concurrency: slots, mode })]);
          }
        }
        const rate = (mode: Mode) => summarize(measurements.runs.get(`${workload}|${mode}|${count}`)!.map((m) => (tasks / m.makespanMs) * 1000)).median;
        ctx.log(`  ${count} worker${count > 1 ? 's' : ''} × ${config.perWorker}, ${tasks} × ${taskMs} ms: in-process ${fixed(rate('in-process'), 0)} tasks/s, workers ${fixed(rate('workers'), 0)} tasks/s`);
      }
      if (count === 1) {
        // One task at a time: the round trip alone, with no other task competing for the CPU.
        for (const mode of MODES) measurements.latency.set(mode, (await measure({ ...config.latency, concurrency: 1, mode })).overheadsMs);
        ctx.log(`  one at a time, overhead p50: ${MODES.map((m) => `${m} ${fixed(percentile(sorted(measurements.latency.get(m)!), 50), 1)} ms`).join(', ')}`);
        // Cancel on a worker process, watched from outside through the registry.
        measurements.processCancels = await measureCancels({ dir, transport, redis, count: config.cancels, prefix: 'p', simulateMs: 30_000 });
      }
      await stopWorkers();
      ctx.log(`  (${count} worker${count > 1 ? 's' : ''}: ${fixed((performance.now() - t0) / 1000, 1)} s)`);
    }

    // Cancel on a ResearchWorker in this process, whose provider notes when the task's signal fires.
    const abortedAt = new Map<string, number>();
    inProcessWorker = await ResearchWorker.start({
      target,
      capabilities: ['search'],
      concurrency: config.perWorker,
      root: dir,
      buildProvider: async () => ({
        ...SIMULATED_PROVIDER,
        execute: (task, context) =>
          new Promise((_, reject) =>
            context.signal.addEventListener('abort', () => {
              abortedAt.set(task.id, performance.now());
              reject(context.signal.reason);
            }),
          ),
      }),
    });
    measurements.inProcessCancels = await measureCancels({ dir, transport, redis, count: config.cancels, prefix: 'w', abortedAt });
    const p50 = (samples: { registryMs: number }[]) => fixed(percentile(sorted(samples.map((s) => s.registryMs)), 50), 1);
    ctx.log(`  cancel → the registry no longer lists the task, p50: worker process ${p50(measurements.processCancels)} ms, in-process worker ${p50(measurements.inProcessCancels)} ms`);
  } finally {
    for (const worker of workers) worker.kill(); // only after an error: the normal path stopped them
    await inProcessWorker?.stop({ abort: true });
    observer?.disconnect();
    await server?.dispose();
    rmSync(dir, { recursive: true, force: true });
  }
  measurements.load.end = os.loadavg()[0]!;
  return workersSection(measurements);
}

function sorted(values: readonly number[]): number[] {
  return [...values].sort((a, b) => a - b);
}
