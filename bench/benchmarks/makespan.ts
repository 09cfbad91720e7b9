/**
 * Benchmark 2: makespan on random DAGs of tasks with simulated durations (real timers), against the
 * lower bound max(critical path, total work ÷ concurrency) that no schedule can beat.
 */
import { Dispatcher } from '../../src/core/dispatcher';
import type { TaskSpec } from '../../src/core/plan';
import { sleep } from '../../src/core/retry';
import { withSimulation } from '../../src/core/simulate';
import { computeStatistics } from '../../src/core/stats';
import type { TaskSnapshot } from '../../src/core/task';
import { runPLimitTopological } from '../baselines/plimit-topo';
import type { BaselineExecutor } from '../baselines/seed-graph';
import { runSeedLevelBatches } from '../baselines/seed-level-batches';
import { depthOf, planOf, plannedLowerBound, randomDag } from '../support/dag';
import { collectGarbage, fixed, spread, summarize, table } from '../support/measure';
import { VirtualClock } from '../support/virtual-clock';
import { barChart } from '../svg';
import type { BenchContext, BenchSection } from './types';

const CONCURRENCIES = [2, 4, 16];
const simulated: BaselineExecutor = (task) => sleep(task.simulate?.ms ?? 0);

interface Scheduler {
  name: string;
  run(tasks: readonly TaskSpec[], concurrency: number): Promise<{ completed: number; statsLowerBoundMs?: number; statsMakespanMs?: number }>;
}

const SCHEDULERS: Scheduler[] = [
  {
    name: 'dispatcher',
    async run(tasks, concurrency) {
      const dispatcher = new Dispatcher({ runId: 'bench', plan: planOf(tasks), executor: withSimulation(), concurrency, maxTasks: tasks.length });
      const summary = await dispatcher.run();
      return { completed: summary.stats.byState.COMPLETED, statsLowerBoundMs: summary.stats.lowerBoundMs, statsMakespanMs: summary.stats.makespanMs };
    },
  },
  {
    name: 'p-limit over a topological order',
    run: async (tasks, concurrency) => ({ completed: (await runPLimitTopological(tasks, simulated, { concurrency })).completed }),
  },
  {
    name: 'seed: level-synchronous batches',
    run: async (tasks, concurrency) => ({ completed: (await runSeedLevelBatches(tasks, simulated, { concurrency })).completed }),
  },
];

/** The same three schedulers with task durations on a virtual clock: the schedule alone. */
const VIRTUAL: { name: string; run(tasks: readonly TaskSpec[], concurrency: number, clock: VirtualClock): Promise<number> }[] = [
  {
    name: 'dispatcher',
    async run(tasks, concurrency, clock) {
      const executor = async (task: TaskSpec) => {
        await clock.sleep(task.simulate?.ms ?? 0);
        return { summary: '' };
      };
      const dispatcher = new Dispatcher({ runId: 'bench', plan: planOf(tasks), executor, concurrency, maxTasks: tasks.length });
      return (await dispatcher.run()).stats.byState.COMPLETED;
    },
  },
  {
    name: 'p-limit over a topological order',
    run: async (tasks, concurrency, clock) => (await runPLimitTopological(tasks, (t) => clock.sleep(t.simulate?.ms ?? 0), { concurrency })).completed,
  },
  {
    name: 'seed: level-synchronous batches',
    run: async (tasks, concurrency, clock) => (await runSeedLevelBatches(tasks, (t) => clock.sleep(t.simulate?.ms ?? 0), { concurrency })).completed,
  },
];

/**
 * The core's statistics over a run in which every task took exactly its planned time: its lower bound
 * must equal the benchmark's own (plannedLowerBound), or one of them is wrong.
 */
function coreLowerBound(tasks: readonly TaskSpec[], concurrency: number): number {
  const snapshots: TaskSnapshot[] = tasks.map((spec) => ({ spec, state: 'COMPLETED', attempts: 1, retries: 0, busyMs: spec.simulate?.ms ?? 0 }));
  return computeStatistics(snapshots, { startedAt: 0, endedAt: 0, concurrency }).lowerBoundMs;
}

async function virtualRatios(ctx: BenchContext): Promise<{ ratios: Map<string, number[]>; n: number; dags: number; mismatches: number }> {
  const n = ctx.quick ? 100 : 200;
  const count = ctx.quick ? 5 : 20;
  const ratios = new Map<string, number[]>();
  let mismatches = 0;
  for (let i = 0; i < count; i++) {
    const tasks = randomDag({ n, seed: 100 + i, durationMs: { min: 10, max: 200 } });
    for (const c of CONCURRENCIES) {
      const bound = plannedLowerBound(tasks, c).lowerBoundMs;
      if (Math.abs(coreLowerBound(tasks, c) - bound) > 1e-6) mismatches++;
      for (const s of VIRTUAL) {
        const clock = new VirtualClock();
        const { value: completed, elapsed } = await clock.run(() => s.run(tasks, c, clock));
        if (completed !== n) throw new Error(`${s.name} completed ${completed} of ${n} tasks on the virtual clock`);
        const key = `${s.name}|${c}`;
        ratios.set(key, [...(ratios.get(key) ?? []), elapsed / bound]);
      }
    }
  }
  return { ratios, n, dags: count, mismatches };
}

export async function benchMakespan(ctx: BenchContext): Promise<BenchSection> {
  const n = ctx.quick ? 40 : 120;
  const seeds = ctx.quick ? [11] : [11, 12, 13];
  const durationMs = ctx.quick ? { min: 5, max: 60 } : { min: 10, max: 200 };
  const dags = seeds.map((seed) => randomDag({ n, seed, durationMs }));
  const virtual = await virtualRatios(ctx);
  for (const c of CONCURRENCIES) {
    ctx.log(`  virtual clock, concurrency ${c}: ${VIRTUAL.map((s) => `${s.name} ×${fixed(summarize(virtual.ratios.get(`${s.name}|${c}`)!).median, 3)}`).join(', ')}`);
  }

  const ratios = new Map<string, number[]>(); // `${scheduler}|${c}`
  const statsAgreement: number[] = []; // |core stats lower bound ÷ planned lower bound − 1|
  let wrong = 0;
  for (const c of CONCURRENCIES) {
    for (const tasks of dags) {
      const bound = plannedLowerBound(tasks, c);
      for (const s of SCHEDULERS) {
        collectGarbage();
        const t0 = performance.now();
        const result = await s.run(tasks, c);
        const measured = performance.now() - t0;
        if (result.completed !== n) wrong++;
        const key = `${s.name}|${c}`;
        ratios.set(key, [...(ratios.get(key) ?? []), measured / bound.lowerBoundMs]);
        if (result.statsLowerBoundMs !== undefined) statsAgreement.push(Math.abs(result.statsLowerBoundMs / bound.lowerBoundMs - 1));
      }
    }
    ctx.log(`  concurrency ${c}: ${SCHEDULERS.map((s) => `${s.name} ×${fixed(summarize(ratios.get(`${s.name}|${c}`)!).median)}`).join(', ')}`);
  }

  const ratio = (name: string, c: number) => summarize(ratios.get(`${name}|${c}`) ?? []);
  const rows = SCHEDULERS.map((s) => [s.name, ...CONCURRENCIES.map((c) => spread(ratio(s.name, c), (v) => `${fixed(v)}×`))]);
  const bounds = dags.map((tasks) => plannedLowerBound(tasks, 1));
  const shape = dags
    .map((tasks, i) => `${depthOf(tasks)} levels, total work ${fixed(bounds[i]!.totalWorkMs / 1000, 1)} s, critical path ${fixed(bounds[i]!.criticalPathMs / 1000, 2)} s`)
    .join('; ');
  const maxDisagreement = Math.max(...statsAgreement);
  const vratio = (name: string, c: number) => summarize(virtual.ratios.get(`${name}|${c}`) ?? []);
  const vrows = VIRTUAL.map((s) => [s.name, ...CONCURRENCIES.map((c) => spread(vratio(s.name, c), (v) => `${fixed(v, 3)}×`))]);
  const short = (name: string) => name.replace('seed: level-synchronous batches', 'seed level batches').replace(' over a topological order', ' (topological)');
  const virtualChart = barChart({
    title: 'Makespan ÷ lower bound, virtual clock (1.0 is optimal)',
    yLabel: 'makespan ÷ max(critical path, work ÷ concurrency)',
    groups: CONCURRENCIES.map((c) => `concurrency ${c}`),
    series: VIRTUAL.map((s) => ({ name: short(s.name), values: CONCURRENCIES.map((c) => vratio(s.name, c).median) })),
    formatY: (v) => `${fixed(v, 1)}×`,
    reference: { value: 1, label: 'lower bound' },
  });
  const wallChart = barChart({
    title: 'Makespan ÷ lower bound, real timers (1.0 is optimal)',
    yLabel: 'makespan ÷ max(critical path, work ÷ concurrency)',
    groups: CONCURRENCIES.map((c) => `concurrency ${c}`),
    series: SCHEDULERS.map((s) => ({ name: short(s.name), values: CONCURRENCIES.map((c) => ratio(s.name, c).median) })),
    formatY: (v) => `${fixed(v, 1)}×`,
    reference: { value: 1, label: 'lower bound' },
  });

  const markdown = [
    `Random DAGs from the same generator as above, each task with a simulated duration drawn log-uniformly from 10–200 ms. The ratio is the makespan ÷ max(critical path, total work ÷ concurrency), computed from the planned durations: no schedule can go below 1.00. Two ways of timing it:`,
    '',
    `**Virtual clock — the schedule alone.** ${virtual.dags} DAGs of ${virtual.n} tasks. The schedulers' code runs for real, but each task's duration passes on a virtual clock that jumps to the next wake-up once the process is idle (bench/support/virtual-clock.ts), so the makespan is exact and reproducible, free of CPU load and timer lateness. Median over the DAGs, range in brackets.`,
    '',
    table(['scheduler', ...CONCURRENCIES.map((c) => `concurrency ${c}`)], vrows),
    '',
    '![makespan ratio by concurrency, virtual clock](charts/makespan.svg)',
    '',
    `**Real timers — schedule plus overhead, on this machine.** ${dags.length} DAG${dags.length > 1 ? 's' : ''} of ${n} tasks (durations ${durationMs.min}–${durationMs.max} ms; ${shape}). The dispatcher runs them through the core's \`withSimulation\` (real \`setTimeout\` sleeps), the baselines sleep the same time; the makespan is wall-clock time. Every CPU cost and every late timer adds to it, so this table moves with the machine's load.`,
    '',
    table(['scheduler', ...CONCURRENCIES.map((c) => `concurrency ${c}`)], rows),
    '',
    '![makespan ratio by concurrency, real timers](charts/makespan-wall.svg)',
    '',
    `The core's statistics agree: given the planned durations, \`computeStatistics\` (core/stats.ts) returns the same lower bound as this benchmark for ${virtual.mismatches === 0 ? 'all' : `all but ${virtual.mismatches} of the`} ${virtual.dags * CONCURRENCIES.length} DAG × concurrency pairs; in the real-timer runs, the bound it reports from the time tasks actually spent (\`stats.lowerBoundMs\`) is within ${fixed(maxDisagreement * 100, 1)} % of the planned one (timers fire late, more so under load).${wrong > 0 ? ` ⚠ ${wrong} runs did not complete every task.` : ''}`,
  ].join('\n');

  const d = (c: number) => fixed(vratio('dispatcher', c).median, 3);
  const l = (c: number) => fixed(vratio('seed: level-synchronous batches', c).median, 2);
  const p = (c: number) => fixed(vratio('p-limit over a topological order', c).median, 2);
  const dw = (c: number) => fixed(ratio('dispatcher', c).median);
  const lw = (c: number) => fixed(ratio('seed: level-synchronous batches', c).median);
  return {
    title: '2. Makespan against its lower bound',
    markdown,
    charts: [
      { file: 'makespan.svg', svg: virtualChart, alt: 'makespan ratio by concurrency, virtual clock' },
      { file: 'makespan-wall.svg', svg: wallChart, alt: 'makespan ratio by concurrency, real timers' },
    ],
    headline: [
      `Makespan ÷ lower bound at concurrency ${CONCURRENCIES.join(' / ')}, virtual clock (the schedule alone): dispatcher ${CONCURRENCIES.map(d).join(' / ')}; seed level batches ${CONCURRENCIES.map(l).join(' / ')}; p-limit in topological order ${CONCURRENCIES.map(p).join(' / ')}. With real timers on this machine: dispatcher ${CONCURRENCIES.map(dw).join(' / ')}, seed level batches ${CONCURRENCIES.map(lw).join(' / ')}.`,
    ],
  };
}
