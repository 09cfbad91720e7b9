/**
 * Benchmark 3: cancel latency. A run of tasks, each a chat completion against a loopback server that
 * holds every request; once `concurrency` requests are in flight, the run is cancelled. Measured: from
 * cancel() to every task settled (run() resolved), and how many requests reached the server after
 * cancel (must be 0).
 */
import { setMaxListeners } from 'node:events';
import { Dispatcher } from '../../src/core/dispatcher';
import type { TaskExecutor } from '../../src/core/executor';
import type { TaskSpec } from '../../src/core/plan';
import { runPLimitTopological } from '../baselines/plimit-topo';
import { planOf, randomDag } from '../support/dag';
import { askLoopback, LoopbackServer } from '../support/loopback-server';
import { collectGarbage, fixed, ms, percentile, table } from '../support/measure';
import { barChart } from '../svg';
import type { BenchContext, BenchSection } from './types';

const CONCURRENCY = 16;
const TASKS = 64;
/** The server holds each request this long: every cancel lands mid-request. */
const HOLD_MS = 10_000;
/** After the run settles, wait this long for stragglers before counting late requests. */
const GRACE_MS = 150;

interface Trial {
  latencyMs: number;
  /** From cancel until the server saw the last in-flight request closed. */
  wireMs: number;
  inFlightAtCancel: number;
  lateRequests: number;
}

type Runner = (tasks: readonly TaskSpec[], server: LoopbackServer, signal: AbortSignal) => Promise<void>;

const RUNNERS: { name: string; run: Runner }[] = [
  {
    name: 'dispatcher',
    async run(tasks, server, signal) {
      const client = server.client();
      const executor: TaskExecutor = async (task, context) => ({ summary: await askLoopback(client, task.description, context.signal) });
      const dispatcher = new Dispatcher({ runId: 'bench', plan: planOf(tasks), executor, concurrency: CONCURRENCY, signal });
      await dispatcher.run();
    },
  },
  {
    // The plain way: one AbortController for the run passed to every request; queued tasks check it.
    name: 'p-limit over a topological order + AbortSignal',
    async run(tasks, server, signal) {
      const client = server.client();
      await runPLimitTopological(tasks, (task) => askLoopback(client, task.description, signal), {
        concurrency: CONCURRENCY,
        stopped: () => signal.aborted,
      });
    },
  },
];

async function trial(run: Runner, tasks: readonly TaskSpec[], server: LoopbackServer): Promise<Trial> {
  server.reset();
  const controller = new AbortController();
  setMaxListeners(0, controller.signal); // the baseline hangs every request on this one signal
  const settled = run(tasks, server, controller.signal);
  // Bounded wait until every slot that can be busy holds a request on the server.
  const expected = Math.min(CONCURRENCY, tasks.filter((t) => t.dependsOn.length === 0).length);
  const deadline = performance.now() + 10_000;
  while (server.open < expected) {
    if (performance.now() > deadline) throw new Error(`only ${server.open} of ${expected} requests reached the loopback server in 10 s`);
    await new Promise((resolve) => setTimeout(resolve, 1));
  }
  const inFlightAtCancel = server.open;
  const cancelAt = performance.now();
  controller.abort(new Error('benchmark cancel'));
  await settled;
  const latencyMs = performance.now() - cancelAt;
  await new Promise((resolve) => setTimeout(resolve, GRACE_MS));
  const lateRequests = server.arrivals.filter((a) => a.at > cancelAt).length;
  const closedTimes = server.arrivals.filter((a) => a.at <= cancelAt).map((a) => a.closedAt ?? Infinity);
  const wireMs = Math.max(...closedTimes) - cancelAt;
  return { latencyMs, wireMs, inFlightAtCancel, lateRequests };
}

export async function benchCancel(ctx: BenchContext): Promise<BenchSection> {
  const repetitions = ctx.quick ? 10 : 60;
  const tasks = randomDag({ n: TASKS, seed: 21 });
  const server = await new LoopbackServer(() => ({ delayMs: HOLD_MS })).start();
  const results = new Map<string, Trial[]>();
  try {
    for (const r of RUNNERS) await trial(r.run, tasks, server); // warm-up: connections, JIT
    for (let i = 0; i < repetitions; i++) {
      for (const r of RUNNERS) {
        collectGarbage();
        results.set(r.name, [...(results.get(r.name) ?? []), await trial(r.run, tasks, server)]);
      }
    }
  } finally {
    await server.close();
  }

  const stat = (name: string, pick: (t: Trial) => number, p: number) => percentile([...results.get(name)!.map(pick)].sort((a, b) => a - b), p);
  const late = (name: string) => results.get(name)!.reduce((sum, t) => sum + t.lateRequests, 0);
  const rows = RUNNERS.map((r) => [
    r.name,
    ms(stat(r.name, (t) => t.latencyMs, 50)),
    ms(stat(r.name, (t) => t.latencyMs, 99)),
    ms(stat(r.name, (t) => t.wireMs, 50)),
    ms(stat(r.name, (t) => t.wireMs, 99)),
    String(late(r.name)),
  ]);
  for (const r of RUNNERS) ctx.log(`  ${r.name}: p50 ${fixed(stat(r.name, (t) => t.latencyMs, 50))} ms, late requests ${late(r.name)}`);

  const inFlight = Math.min(...[...results.values()].flat().map((t) => t.inFlightAtCancel));
  const chart = barChart({
    title: 'Cancel latency: from cancel() to every task settled',
    yLabel: 'milliseconds',
    groups: ['p50', 'p99'],
    series: RUNNERS.map((r) => ({ name: r.name.replace(' over a topological order', ''), values: [50, 99].map((p) => stat(r.name, (t) => t.latencyMs, p)) })),
    formatY: (v) => `${fixed(v, 1)} ms`,
  });
    const markdown = [
    `${TASKS} tasks (a random DAG, so some wait on dependencies and some on a slot), concurrency ${CONCURRENCY}. Each task is one chat completion through the \`openai\` SDK (\`maxRetries: 0\`) against a loopback server that holds every request for ${HOLD_MS / 1000} s. Once every task that can start holds a request on the server (${inFlight} in flight at every cancel: the tasks with no dependencies, up to the concurrency), the run's AbortSignal fires. *Settled* is run() resolving with every task in a final state; *on the wire* is until the server saw the last in-flight request's connection closed. Late requests are those that reached the server after cancel, counted ${GRACE_MS} ms after the run settled. ${repetitions} cancels per runner, interleaved; p99 of ${repetitions} samples is close to the maximum.`,
    '',
    table(['runner', 'settled p50', 'settled p99', 'on the wire p50', 'on the wire p99', `requests after cancel (all ${repetitions} runs)`], rows),
    '',
    '![cancel latency p50 and p99](charts/cancel.svg)',
  ].join('\n');
  return {
    title: '3. Cancel latency with requests in flight',
    markdown,
    charts: [{ file: 'cancel.svg', svg: chart, alt: 'cancel latency' }],
    headline: [
      `Cancel with ${inFlight} requests in flight: every task settled in ${ms(stat('dispatcher', (t) => t.latencyMs, 50))} (p50), ${ms(stat('dispatcher', (t) => t.latencyMs, 99))} (p99); requests reaching the server after cancel: ${late('dispatcher')} in ${repetitions} runs (plain p-limit + AbortSignal: ${ms(stat(RUNNERS[1]!.name, (t) => t.latencyMs, 50))} p50).`,
    ],
  };
}
