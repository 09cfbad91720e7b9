/**
 * Benchmark 4: a rate-limit storm. A loopback server answers every other request with 429 and
 * `Retry-After`; every task is one chat completion. Counted: tasks completed and lost, requests sent
 * against the minimum (one per task), and elapsed time against the ideal with no 429 at all.
 */
import { Dispatcher } from '../../src/core/dispatcher';
import type { TaskExecutor } from '../../src/core/executor';
import type { TaskSpec } from '../../src/core/plan';
import { runPLimitTopological } from '../baselines/plimit-topo';
import { planOf } from '../support/dag';
import { askLoopback, LoopbackServer } from '../support/loopback-server';
import { fixed, ms, summarize, table } from '../support/measure';
import { barChart } from '../svg';
import type { BenchContext, BenchSection } from './types';

const CONCURRENCY = 8;
/** Time the server takes to answer a request it does not rate-limit. */
const SERVICE_MS = 20;
const RETRY_AFTER_SECONDS = 0.2;
/** High enough that a task unlucky many times in a row still completes; reported in results.md. */
const DISPATCHER_MAX_RETRIES = 20;
/** The openai SDK's own default, which a plain runner relies on. */
const SDK_DEFAULT_RETRIES = 2;

interface Outcome {
  completed: number;
  lost: number;
  requests: number;
  rateLimited: number;
  elapsedMs: number;
  /** Most attempts one task needed (known for the dispatcher only). */
  mostRetries?: number;
}

type Runner = (tasks: readonly TaskSpec[], server: LoopbackServer) => Promise<{ completed: number; mostRetries?: number }>;

const RUNNERS: { name: string; run: Runner }[] = [
  {
    name: `dispatcher (SDK maxRetries 0, dispatcher maxRetries ${DISPATCHER_MAX_RETRIES})`,
    async run(tasks, server) {
      const client = server.client(0);
      const executor: TaskExecutor = async (task, context) => ({ summary: await askLoopback(client, task.description, context.signal) });
      const dispatcher = new Dispatcher({
        runId: 'bench',
        plan: planOf(tasks),
        executor,
        concurrency: CONCURRENCY,
        retry: { maxRetries: DISPATCHER_MAX_RETRIES },
        maxTasks: tasks.length,
      });
      const { stats } = await dispatcher.run();
      return { completed: stats.byState.COMPLETED, mostRetries: Math.max(...stats.tasks.map((t) => t.retries)) };
    },
  },
  {
    name: `p-limit + the SDK's own retries (maxRetries ${SDK_DEFAULT_RETRIES}, its default)`,
    async run(tasks, server) {
      const client = server.client(SDK_DEFAULT_RETRIES);
      return { completed: (await runPLimitTopological(tasks, (task) => askLoopback(client, task.description), { concurrency: CONCURRENCY })).completed };
    },
  },
];

/** Independent tasks: the fan-out of searches a research plan starts with. */
function flatPlan(n: number): TaskSpec[] {
  return Array.from({ length: n }, (_, i) => ({ id: `t${i}`, kind: 'search', description: `request ${i}`, dependsOn: [], priority: 5 }));
}

export async function benchStorm(ctx: BenchContext): Promise<BenchSection> {
  const n = ctx.quick ? 64 : 240;
  const repetitions = ctx.quick ? 1 : 3;
  const tasks = flatPlan(n);
  // Odd-numbered requests (every other one, whoever sends it) are rate-limited.
  const server = await new LoopbackServer((seq) =>
    seq % 2 === 1 ? { delayMs: 1, status: 429, headers: { 'retry-after': String(RETRY_AFTER_SECONDS) } } : { delayMs: SERVICE_MS },
  ).start();
  const outcomes = new Map<string, Outcome[]>();
  try {
    for (let rep = 0; rep < repetitions; rep++) {
      for (const r of RUNNERS) {
        server.reset();
        const t0 = performance.now();
        const { completed, mostRetries } = await r.run(tasks, server);
        const elapsedMs = performance.now() - t0;
        const outcome: Outcome = {
          completed,
          lost: n - completed,
          requests: server.arrivals.length,
          rateLimited: server.arrivals.filter((a) => a.status === 429).length,
          elapsedMs,
          mostRetries,
        };
        outcomes.set(r.name, [...(outcomes.get(r.name) ?? []), outcome]);
        ctx.log(`  ${r.name}: ${completed}/${n} completed, ${outcome.requests} requests, ${fixed(elapsedMs, 0)} ms`);
      }
    }
  } finally {
    await server.close();
  }

  const idealMs = Math.ceil(n / CONCURRENCY) * SERVICE_MS;
  const median = (name: string, pick: (o: Outcome) => number) => summarize(outcomes.get(name)!.map(pick)).median;
  const rows = RUNNERS.map((r) => [
    r.name,
    `${median(r.name, (o) => o.completed)} of ${n}`,
    String(median(r.name, (o) => o.lost)),
    `${median(r.name, (o) => o.requests)} (${fixed(median(r.name, (o) => o.requests) / n)}× the minimum ${n})`,
    String(median(r.name, (o) => o.rateLimited)),
    `${ms(median(r.name, (o) => o.elapsedMs))} (${fixed(median(r.name, (o) => o.elapsedMs) / idealMs, 1)}× the ideal)`,
    outcomes.get(r.name)![0]!.mostRetries === undefined ? 'n/a' : String(Math.max(...outcomes.get(r.name)!.map((o) => o.mostRetries!))),
  ]);
  const chart = barChart({
    title: 'Rate-limit storm: half the requests answered 429',
    yLabel: 'tasks',
    groups: ['completed', 'lost'],
    series: RUNNERS.map((r) => ({ name: r.name.startsWith('dispatcher') ? 'dispatcher' : 'p-limit + SDK retries', values: [median(r.name, (o) => o.completed), median(r.name, (o) => o.lost)] })),
    formatY: (v) => String(Math.round(v)),
  });
  const d = RUNNERS[0]!.name;
  const b = RUNNERS[1]!.name;
  const markdown = [
    `${n} independent tasks at concurrency ${CONCURRENCY}, each one chat completion through the \`openai\` SDK against a loopback server that answers every other request (odd arrival numbers, whoever sends them) with \`429\` and \`Retry-After: ${RETRY_AFTER_SECONDS}\`, and the rest with 200 after ${SERVICE_MS} ms. The minimum is one request per task; the ideal time, with no 429 at all, is ⌈${n} ÷ ${CONCURRENCY}⌉ × ${SERVICE_MS} ms = ${idealMs} ms. The dispatcher's SDK client has \`maxRetries: 0\` (the dispatcher is the only retry layer, honouring Retry-After, and a task backing off gives up its slot); its \`maxRetries\` is raised to ${DISPATCHER_MAX_RETRIES} for this storm (the default is 2). The baseline is what a plain runner gets from the SDK alone. Median of ${repetitions} run${repetitions > 1 ? 's' : ''}.`,
    '',
    table(['runner', 'completed', 'lost', 'requests', 'answered 429', 'elapsed', 'most retries of one task'], rows),
    '',
    '![completed and lost tasks](charts/storm.svg)',
  ].join('\n');
  return {
    title: '4. Rate-limit storm',
    markdown,
    charts: [{ file: 'storm.svg', svg: chart, alt: 'completed and lost tasks' }],
    headline: [
      `Rate-limit storm (every other request 429, Retry-After ${RETRY_AFTER_SECONDS} s), ${n} tasks: dispatcher ${median(d, (o) => o.completed)} completed, ${median(d, (o) => o.lost)} lost, ${fixed(median(d, (o) => o.requests) / n)}× the minimum requests, ${fixed(median(d, (o) => o.elapsedMs) / idealMs, 1)}× the ideal time; plain p-limit with the SDK's retries lost ${median(b, (o) => o.lost)}.`,
    ],
  };
}
