/**
 * Benchmark 2: makespan on random DAGs of tasks with simulated durations (real timers), against the
 * lower bound max(critical path, total work ÷ concurrency) that no schedule can beat.
 */
import { Dispatcher } from '../../src/core/dispatcher';
import type { TaskSpec } from '../../src/core/plan';
import { sleep } from '../../src/core/retry';
import { withSimulation } from '../../src/core/simulate';
import { runPLimitTopological } from '../baselines/plimit-topo';
import type { BaselineExecutor } from '../baselines/seed-graph';
import { runSeedLevelBatches } from '../baselines/seed-level-batches';
import { depthOf, planOf, plannedLowerBound, randomDag } from '../support/dag';
import { collectGarbage, fixed, spread, summarize, table } from '../support/measure';
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
    name: 'seed: level-synchronous batches',
    run: async (tasks, concurrency) => ({ completed: (await runSeedLevelBatches(tasks, simulated, { concurrency })).completed }),
  },
  {
    name: 'p-limit over a topological order',
    run: async (tasks, concurrency) => ({ completed: (await runPLimitTopological(tasks, simulated, { concurrency })).completed }),
  },
];

export async function benchMakespan(ctx: BenchContext): Promise<BenchSection> {
  const n = ctx.quick ? 40 : 120;
  const seeds = ctx.quick ? [11] : [11, 12, 13];
  const durationMs = ctx.quick ? { min: 5, max: 60 } : { min: 10, max: 200 };
  const dags = seeds.map((seed) => randomDag({ n, seed, durationMs }));

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

  const chart = barChart({
    title: 'Makespan ÷ lower bound (lower is better; 1.0 is optimal)',
    yLabel: 'makespan ÷ max(critical path, work ÷ concurrency)',
    groups: CONCURRENCIES.map((c) => `concurrency ${c}`),
    series: SCHEDULERS.map((s) => ({ name: s.name.replace('seed: ', 'seed ').replace(' over a topological order', ' (topological)'), values: CONCURRENCIES.map((c) => ratio(s.name, c).median) })),
    formatY: (v) => `${fixed(v, 1)}×`,
    reference: { value: 1, label: 'lower bound' },
  });

  const markdown = [
    `${dags.length} random DAG${dags.length > 1 ? 's' : ''} of ${n} tasks (the same generator as above; ${shape}). Each task sleeps a simulated duration drawn log-uniformly from ${durationMs.min}–${durationMs.max} ms (the dispatcher runs them through the core's \`withSimulation\`, the baselines sleep the same time). The ratio is the measured wall-clock makespan ÷ max(critical path, total work ÷ concurrency), computed from the planned durations; 1.00 would be a perfect schedule with zero overhead. Median over the DAGs, range in brackets.`,
    '',
    table(['scheduler', ...CONCURRENCIES.map((c) => `concurrency ${c}`)], rows),
    '',
    `The lower bound the core's statistics report (\`stats.lowerBoundMs\`, from the time each task actually spent in its attempts) agrees with the planned one within ${fixed(maxDisagreement * 100, 1)} % (timer overshoot).${wrong > 0 ? ` ⚠ ${wrong} runs did not complete every task.` : ''}`,
    '',
    '![makespan ratio by concurrency](charts/makespan.svg)',
  ].join('\n');

  const d = (c: number) => fixed(ratio('dispatcher', c).median);
  const l = (c: number) => fixed(ratio('seed: level-synchronous batches', c).median);
  return {
    title: '2. Makespan against its lower bound',
    markdown,
    charts: [{ file: 'makespan.svg', svg: chart, alt: 'makespan ratio by concurrency' }],
    headline: [
      `Makespan ÷ lower bound at concurrency ${CONCURRENCIES.join(' / ')}: dispatcher ${CONCURRENCIES.map(d).join(' / ')}; seed level batches ${CONCURRENCIES.map(l).join(' / ')}.`,
    ],
  };
}
