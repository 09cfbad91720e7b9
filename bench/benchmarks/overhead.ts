/**
 * Benchmark 1: scheduler overhead on random DAGs of zero-work tasks. Every scheduler gets the same
 * graphs; time per task is the whole run (building its structures included) divided by n.
 */
import { Dispatcher } from '../../src/core/dispatcher';
import type { TaskResult } from '../../src/core/executor';
import type { TaskSpec } from '../../src/core/plan';
import { runPLimitTopological } from '../baselines/plimit-topo';
import type { BaselineExecutor, BaselineResult } from '../baselines/seed-graph';
import { runSeedLevelBatches } from '../baselines/seed-level-batches';
import { runSeedReadyScan } from '../baselines/seed-ready-scan';
import { depthOf, edgeCount, planOf, randomDag } from '../support/dag';
import { collectGarbage, fixed, spread, summarize, table, us, type Summary } from '../support/measure';
import { lineChart } from '../svg';
import type { BenchContext, BenchSection } from './types';

const CONCURRENCY = 8;
const SEED = 7;
const ZERO_RESULT: TaskResult = { summary: '' };
const zeroWork: BaselineExecutor = async () => ZERO_RESULT;

interface Scheduler {
  name: string;
  /** Quadratic schedulers are skipped at sizes where one run is projected to exceed the time budget. */
  quadratic?: boolean;
  /** Runs the graph once; returns completed count, and for the dispatcher the time spent constructing. */
  run(tasks: readonly TaskSpec[]): Promise<{ completed: number; constructMs?: number }>;
}

const SCHEDULERS: Scheduler[] = [
  {
    name: 'dispatcher',
    async run(tasks) {
      const t0 = performance.now();
      const dispatcher = new Dispatcher({
        runId: 'bench',
        plan: planOf(tasks),
        executor: async () => ZERO_RESULT,
        concurrency: CONCURRENCY,
        maxTasks: tasks.length,
      });
      const constructMs = performance.now() - t0;
      const summary = await dispatcher.run();
      return { completed: summary.stats.byState.COMPLETED, constructMs };
    },
  },
  { name: 'p-limit over a topological order', run: (tasks) => completedOf(runPLimitTopological(tasks, zeroWork, { concurrency: CONCURRENCY })) },
  { name: 'seed: level-synchronous batches', run: (tasks) => completedOf(runSeedLevelBatches(tasks, zeroWork, { concurrency: CONCURRENCY })) },
  { name: 'seed: ready scan per completion', quadratic: true, run: (tasks) => completedOf(runSeedReadyScan(tasks, zeroWork, { concurrency: CONCURRENCY })) },
];

async function completedOf(result: Promise<BaselineResult>): Promise<{ completed: number }> {
  return { completed: (await result).completed };
}

interface Cell {
  total: Summary;
  construct?: Summary;
  /** Set when the run was skipped because it would take too long: the projected time of one run. */
  projectedMs?: number;
  wrong?: string;
}

export async function benchOverhead(ctx: BenchContext): Promise<BenchSection> {
  const sizes = ctx.quick ? [1_000, 10_000] : [1_000, 10_000, 100_000];
  const repetitions = (n: number) => (ctx.quick ? (n <= 1_000 ? 5 : 2) : n <= 1_000 ? 9 : n <= 10_000 ? 5 : 3);
  // One run longer than this is not attempted; its time is projected from the smaller sizes instead.
  const budgetMs = ctx.quick ? 4_000 : 90_000;

  // Warm-up: the JIT sees every code path before anything is measured.
  const warm = randomDag({ n: 1_000, seed: 1 });
  for (const s of SCHEDULERS) for (let i = 0; i < 2; i++) await s.run(warm);

  const cells = new Map<string, Cell>(); // `${scheduler}|${n}`
  const shapes: string[] = [];
  for (const n of sizes) {
    const tasks = randomDag({ n, seed: SEED + n });
    shapes.push(`${n.toLocaleString('en-US')} tasks: ${edgeCount(tasks).toLocaleString('en-US')} edges, ${depthOf(tasks)} levels`);
    const plan: Record<string, { totals: number[]; constructs: number[]; reps: number }> = {};
    for (const s of SCHEDULERS) {
      const projected = s.quadratic ? project(s.name, n, sizes, cells) : undefined;
      if (projected !== undefined && projected > budgetMs) {
        cells.set(`${s.name}|${n}`, { total: summarize([]), projectedMs: projected });
        ctx.log(`  ${s.name} at n=${n}: skipped, projected ${Math.round(projected / 1000)} s per run`);
        continue;
      }
      const reps = projected !== undefined && projected * repetitions(n) > budgetMs ? Math.max(1, Math.floor(budgetMs / projected)) : repetitions(n);
      plan[s.name] = { totals: [], constructs: [], reps };
    }
    // Repetitions interleave the schedulers, so a noisy moment on the machine hits all of them alike.
    const maxReps = Math.max(0, ...Object.values(plan).map((p) => p.reps));
    for (let rep = 0; rep < maxReps; rep++) {
      for (const s of SCHEDULERS) {
        const p = plan[s.name];
        if (!p || rep >= p.reps) continue;
        collectGarbage();
        const t0 = performance.now();
        const result = await s.run(tasks);
        const elapsed = performance.now() - t0;
        if (result.completed !== n) cells.set(`${s.name}|${n}|wrong`, { total: summarize([]), wrong: `${result.completed} of ${n} completed` });
        p.totals.push(elapsed);
        if (result.constructMs !== undefined) p.constructs.push(result.constructMs);
      }
    }
    for (const s of SCHEDULERS) {
      const p = plan[s.name];
      if (!p) continue;
      const wrong = cells.get(`${s.name}|${n}|wrong`)?.wrong;
      cells.set(`${s.name}|${n}`, { total: summarize(p.totals), construct: p.constructs.length ? summarize(p.constructs) : undefined, wrong });
      ctx.log(`  ${s.name} at n=${n}: ${fixed(summarize(p.totals).median, 1)} ms (${p.reps} runs)`);
    }
  }

  const perTask = (name: string, n: number) => {
    const cell = cells.get(`${name}|${n}`);
    return cell && cell.total.runs > 0 ? (cell.total.median * 1000) / n : NaN;
  };
  const rows = SCHEDULERS.map((s) => [
    s.name,
    ...sizes.map((n) => {
      const cell = cells.get(`${s.name}|${n}`)!;
      if (cell.projectedMs !== undefined) return `not run (≈ ${Math.round(cell.projectedMs / 1000)} s per run projected)`;
      const scaled = { ...cell.total, median: (cell.total.median * 1000) / n, min: (cell.total.min * 1000) / n, max: (cell.total.max * 1000) / n };
      return spread(scaled, us) + (cell.wrong ? ` ⚠ ${cell.wrong}` : '');
    }),
    growth(sizes.map((n) => perTask(s.name, n)), sizes),
  ]);
  const largest = sizes[sizes.length - 1]!;
  const dispatcherCell = cells.get(`dispatcher|${largest}`)!;
  const constructShare = dispatcherCell.construct ? dispatcherCell.construct.median / dispatcherCell.total.median : NaN;

  const chart = lineChart({
    title: 'Scheduler overhead: time per zero-work task',
    xLabel: 'tasks in the DAG (log scale)',
    yLabel: 'µs per task (median, log scale)',
    x: sizes,
    series: SCHEDULERS.map((s) => ({ name: shortName(s.name), values: sizes.map((n) => perTask(s.name, n)) })),
    logX: true,
    logY: true,
    formatX: (v) => v.toLocaleString('en-US'),
    formatY: (v) => (v >= 1000 ? `${v / 1000} ms` : `${v} µs`),
  });

  const d = (n: number) => perTask('dispatcher', n);
  const plimit = (n: number) => perTask('p-limit over a topological order', n);
  const levels = (n: number) => perTask('seed: level-synchronous batches', n);
  const scan = (n: number) => perTask('seed: ready scan per completion', n);
  const markdown = [
    `Random DAGs (seeded; each task depends on 0–3 tasks drawn uniformly from the tasks before it — wide and shallow, like research plans): ${shapes.join('; ')}. Every task's work is an already-resolved promise, so what is measured is the scheduler alone. Concurrency ${CONCURRENCY}. Time per task = one whole run ÷ n, including each scheduler building its own structures (for the dispatcher: validating the plan with zod, building the graphlib graph and the upward ranks, and computing the statistics at the end). Median of several runs, range in brackets, schedulers interleaved within each repetition.`,
    '',
    table(['scheduler', ...sizes.map((n) => `n = ${n.toLocaleString('en-US')}`), 'growth of time per task per 10× n, largest sizes'], rows),
    '',
    `At n = ${largest.toLocaleString('en-US')}, constructing the dispatcher (validation, graph, ranks) is ${Number.isFinite(constructShare) ? `${Math.round(constructShare * 100)} %` : 'n/a'} of its run (${dispatcherCell.construct ? spread(dispatcherCell.construct, (v) => `${fixed(v, 0)} ms`) : 'n/a'}).`,
    '',
    `![${escapeAlt('time per task against n, log-log')}](charts/overhead.svg)`,
  ].join('\n');

  return {
    title: '1. Scheduler overhead on random DAGs of zero-work tasks',
    markdown,
    charts: [{ file: 'overhead.svg', svg: chart, alt: 'time per task against n' }],
    headline: [
      `Scheduler overhead at n = ${largest.toLocaleString('en-US')}: dispatcher ${us(d(largest))} per task; p-limit over a topological order ${us(plimit(largest))}; seed level batches ${us(levels(largest))}; seed ready scan ${Number.isFinite(scan(largest)) ? us(scan(largest)) : 'not run (quadratic)'}${Number.isFinite(scan(sizes[1]!)) ? ` (${us(scan(sizes[1]!))} at n = ${sizes[1]!.toLocaleString('en-US')})` : ''}.`,
    ],
  };
}

/** Time of one run at n, projected from the two largest smaller sizes measured (or n² from one). */
function project(name: string, n: number, sizes: readonly number[], cells: ReadonlyMap<string, Cell>): number | undefined {
  const measured = sizes
    .filter((m) => m < n)
    .map((m) => [m, cells.get(`${name}|${m}`)] as const)
    .filter((pair): pair is readonly [number, Cell] => pair[1] !== undefined && (pair[1].total.runs > 0 || pair[1].projectedMs !== undefined))
    .map(([m, c]) => [m, c.projectedMs ?? c.total.median] as const);
  if (measured.length === 0) return undefined;
  const [m2, t2] = measured[measured.length - 1]!;
  let exponent = 2;
  if (measured.length >= 2) {
    const [m1, t1] = measured[measured.length - 2]!;
    exponent = Math.max(1, Math.log(t2 / t1) / Math.log(m2 / m1));
  }
  return t2 * (n / m2) ** exponent;
}

/**
 * "×1.03 (total time ∝ n^1.01)": how much the time per task grows per 10× n, between the two largest
 * sizes measured — where fixed costs (warm-up, allocation of the first structures) weigh least.
 */
function growth(perTask: readonly number[], sizes: readonly number[]): string {
  const points = sizes.map((n, i) => [n, perTask[i]!] as const).filter(([, v]) => Number.isFinite(v));
  if (points.length < 2) return 'n/a';
  const [n1, v1] = points[points.length - 2]!;
  const [n2, v2] = points[points.length - 1]!;
  const factor = (v2 / v1) ** (1 / Math.log10(n2 / n1));
  // Total time grows as n^(1 + log10(factor)).
  return `×${fixed(factor, 2)} (total time ∝ n^${fixed(1 + Math.log10(factor), 2)}), ${n1.toLocaleString('en-US')} → ${n2.toLocaleString('en-US')}`;
}

function shortName(name: string): string {
  return name.replace(' over a topological order', ' (topological)').replace('seed: level-synchronous batches', 'seed level batches').replace('seed: ready scan per completion', 'seed ready scan');
}

function escapeAlt(text: string): string {
  return text.replace(/[[\]]/g, '');
}
