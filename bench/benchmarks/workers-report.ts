/** The workers benchmark's section of results.md: its tables, chart and summary lines, from its measurements. */
import { fixed, ms, percentile, summarize, table } from '../support/measure';
import { POLL_MS, RUNNING_BEFORE_CANCEL_MS, type CancelSample, type RunMeasure } from '../support/worker-runs';
import { barChart } from '../svg';
import type { BenchSection } from './types';

export interface WorkersConfig {
  workerCounts: number[];
  /** Each worker's --concurrency. */
  perWorker: number;
  /** Many short tasks: the queue's round trip per task shows. */
  short: { tasks: number; ms: number; repetitions: number };
  /** Fewer long tasks: scaling with workers shows. */
  long: { tasks: number; ms: number; repetitions: number };
  /** One task at a time, in-process and on 1 worker: the round trip with nothing else running. */
  latency: { tasks: number; ms: number };
  /** Cancels per kind of worker (a worker process; a ResearchWorker in the benchmark's process). */
  cancels: number;
}

export type Workload = 'short' | 'long';
export type Mode = 'in-process' | 'workers';

/** CPU time spent during one run, in ms, by the benchmark's process (the dispatcher), the worker processes and Redis. */
export interface CpuMs {
  dispatcher: number;
  workers: number;
  redis: number;
}

export interface Measured extends RunMeasure {
  cpuMs: CpuMs;
}

export interface WorkersMeasurements {
  config: WorkersConfig;
  /** By `${workload}|${mode}|${worker count}`. */
  runs: Map<string, Measured[]>;
  /** Per-task overheads of the one-at-a-time runs, by mode. */
  latency: Map<Mode, number[]>;
  processCancels: CancelSample[];
  inProcessCancels: CancelSample[];
  cores: number;
  /** The machine's 1-minute load average when the benchmark started and when it ended. */
  load: { start: number; end: number };
}

const TITLE = '7. Workers on Redis';
/** The issue's goal: a cancelled task is aborted on the worker that holds it within a second. */
export const CANCEL_GOAL_MS = 1000;
const MODES: readonly Mode[] = ['in-process', 'workers'];

export function skippedSection(): BenchSection {
  return {
    title: TITLE,
    markdown: '*skipped: redis-server not installed* (Debian/Ubuntu: `apt-get install redis-server`; the benchmark starts its own on a free loopback port).',
    charts: [],
    headline: ['Workers on Redis: skipped: redis-server not installed.'],
  };
}

function pct(values: readonly number[], p: number): number {
  return percentile([...values].sort((a, b) => a - b), p);
}

export function workersSection(m: WorkersMeasurements): BenchSection {
  const { config, cores } = m;
  const { short, long, perWorker, workerCounts } = config;
  const first = workerCounts[0]!;
  const last = workerCounts[workerCounts.length - 1]!;
  const plural = (count: number) => (count > 1 ? 'es' : '');
  const runnerName = (mode: Mode, count: number) => (mode === 'in-process' ? `in-process, concurrency ${count * perWorker}` : `${count} worker process${plural(count)} × ${perWorker}`);

  const get = (workload: Workload, mode: Mode, count: number) => m.runs.get(`${workload}|${mode}|${count}`) ?? [];
  const rate = (workload: Workload, mode: Mode, count: number) => summarize(get(workload, mode, count).map((r) => (config[workload].tasks / r.makespanMs) * 1000)).median;
  const makespan = (workload: Workload, mode: Mode, count: number) => summarize(get(workload, mode, count).map((r) => r.makespanMs)).median;
  const idealRate = (workload: Workload, count: number) => (count * perWorker * 1000) / config[workload].ms;
  const idealMakespan = (workload: Workload, count: number) => (config[workload].tasks * config[workload].ms) / (count * perWorker);
  const ofIdeal = (workload: Workload, mode: Mode, count: number) => rate(workload, mode, count) / idealRate(workload, count);

  // ------------------------------------------------------------ throughput
  const throughputRows = workerCounts.flatMap((count) =>
    MODES.map((mode) => [
      String(count * perWorker),
      runnerName(mode, count),
      fixed(rate('short', mode, count), 0),
      `${fixed(ofIdeal('short', mode, count) * 100, 0)} %`,
      fixed(rate('long', mode, count), 1),
      ms(makespan('long', mode, count)),
      `${fixed(makespan('long', mode, count) / idealMakespan('long', count))}×`,
    ]),
  );
  const scaling = (workload: Workload) =>
    workerCounts
      .filter((count) => count !== first)
      .map((count) => `${count} workers ${fixed(rate(workload, 'workers', count) / rate(workload, 'workers', first))}× (ideal ${fixed(count / first, 0)}×)`)
      .join(', ');
  const chart = barChart({
    title: 'Throughput ÷ ideal (slots × 1000 ÷ task ms)',
    yLabel: 'tasks/s ÷ ideal tasks/s',
    groups: workerCounts.map((count) => `${count * perWorker} slots (${count} worker${count > 1 ? 's' : ''})`),
    series: (['short', 'long'] as const).flatMap((workload) =>
      MODES.map((mode) => ({ name: `${mode === 'in-process' ? 'in-process' : 'workers'} ${config[workload].ms} ms`, values: workerCounts.map((count) => ofIdeal(workload, mode, count)) })),
    ),
    formatY: (v) => `${fixed(v * 100, 0)} %`,
    // At the top of the scale, where a label would run into the legend; 100 % is the ideal.
    reference: { value: 1, label: '' },
  });

  // ------------------------------------------------------------ per-task overhead
  const loadOverheads = (mode: Mode, count: number) => get('short', mode, count).flatMap((r) => r.overheadsMs);
  const oneAtATime = (mode: Mode) => m.latency.get(mode) ?? [];
  const overheadRows = [
    ...MODES.map((mode) => [mode === 'in-process' ? 'in-process' : '1 worker process', 'one task at a time', oneAtATime(mode)] as const),
    ...workerCounts.flatMap((count) => MODES.map((mode) => [runnerName(mode, count), `short workload, ${count * perWorker} at once`, loadOverheads(mode, count)] as const)),
  ].map(([runner, load, values]) => [runner, load, ms(pct(values, 50)), ms(pct(values, 99)), String(values.length)]);

  // ------------------------------------------------------------ CPU per task
  const cpuPerTask = (workload: Workload, mode: Mode, count: number, pick: (c: CpuMs) => number) => {
    const runs = get(workload, mode, count);
    return runs.reduce((sum, r) => sum + pick(r.cpuMs), 0) / (runs.length * config[workload].tasks);
  };
  const total = (c: CpuMs) => c.dispatcher + c.workers + c.redis;
  const cpuOf = (mode: Mode, count: number) => cpuPerTask('short', mode, count, mode === 'workers' ? total : (c) => c.dispatcher);
  /** The most tasks/s the cores could give if the CPU each task costs were all that limited it. */
  const ceiling = (mode: Mode, count: number) => (cores * 1000) / cpuOf(mode, count);
  /** Each task holds its slot for its sleep and its round trip: the most tasks/s the slots allow, from the one-at-a-time overhead. */
  const mean = (values: readonly number[]) => values.reduce((a, b) => a + b, 0) / values.length;
  const slotBound = (mode: Mode, count: number) => (count * perWorker * 1000) / (short.ms + mean(oneAtATime(mode)));
  const tighter = (count: number) => (slotBound('workers', count) < ceiling('workers', count) ? 'the round trip' : 'CPU');
  const cell = (v: number) => (Number.isFinite(v) ? fixed(v, 2) : 'n/a');
  const cpuRows = workerCounts.flatMap((count) =>
    MODES.map((mode) => [
      runnerName(mode, count),
      cell(cpuPerTask('short', mode, count, (c) => c.dispatcher)),
      mode === 'workers' ? cell(cpuPerTask('short', mode, count, (c) => c.workers)) : '—',
      mode === 'workers' ? cell(cpuPerTask('short', mode, count, (c) => c.redis)) : '—',
      cell(cpuOf(mode, count)),
      fixed(ceiling(mode, count), 0),
      fixed(slotBound(mode, count), 0),
      fixed(rate('short', mode, count), 0),
    ]),
  );
  const shortCores = (idealRate('short', last) * cpuOf('workers', last)) / 1000;
  const longCores = (count: number) => (idealRate('long', count) * cpuPerTask('long', 'workers', count, total)) / 1000;

  // ------------------------------------------------------------ cancel
  const cancelStat = (samples: CancelSample[], pick: (s: CancelSample) => number | undefined, p: number) => pct(samples.map(pick).filter((v): v is number => v !== undefined), p);
  const within = (samples: CancelSample[]) => `${samples.filter((s) => s.registryMs <= CANCEL_GOAL_MS).length} of ${samples.length}`;
  const cancelRows = (
    [
      ['worker process', 'cancelTask → its registry record no longer lists the task', m.processCancels, (s) => s.registryMs, within(m.processCancels)],
      ['worker in the benchmark\u2019s process', 'cancelTask → the task\u2019s AbortSignal fired on the worker', m.inProcessCancels, (s) => s.abortMs, '—'],
      ['worker in the benchmark\u2019s process', 'cancelTask → its registry record no longer lists the task', m.inProcessCancels, (s) => s.registryMs, within(m.inProcessCancels)],
    ] as const satisfies readonly (readonly [string, string, CancelSample[], (s: CancelSample) => number | undefined, string])[]
  ).map(([worker, what, samples, pick, ok]) => [worker, what, ms(cancelStat(samples, pick, 50)), ms(cancelStat(samples, pick, 99)), ms(cancelStat(samples, pick, 100)), ok]);
  const processP50 = cancelStat(m.processCancels, (s) => s.registryMs, 50);
  const processP99 = cancelStat(m.processCancels, (s) => s.registryMs, 99);

  const reps = short.repetitions === long.repetitions ? `${short.repetitions}` : `${short.repetitions} (short) and ${long.repetitions} (long)`;
  const markdown = [
    `Independent tasks that simulate their work (\`simulate: { ms }\`: a sleep, no provider, no CPU work of their own), run through \`research()\` by the in-process dispatcher and by worker processes (\`dist/worker.js --concurrency ${perWorker}\`, as \`npm run worker\` starts them) on a redis-server of the benchmark's own on a loopback port. The dispatcher's concurrency is the workers' slots (workers × ${perWorker}), so the workers are the bottleneck and the in-process run has exactly as many slots. **The dispatcher, Redis and every worker process share this machine's ${cores} cores** (and the machine is shared with other jobs); on a real deployment the workers run on other machines. Times come from the dispatcher's own events: the makespan is first task started → last task completed (opening the transport and writing the report are left out); tasks/s = tasks ÷ makespan. Median of ${reps} run${reps === '1' ? '' : 's'} each, in-process and workers interleaved.`,
    '',
    `**Throughput.** *Short*: ${short.tasks} tasks of ${short.ms} ms, where the ideal is slots × 1000 ÷ ${short.ms} tasks/s and what each task costs besides its sleep shows. *Long*: ${long.tasks} tasks of ${long.ms} ms; the ideal makespan is ${long.tasks} × ${long.ms} ms ÷ slots.`,
    '',
    table(['slots', 'runner', 'short: tasks/s', 'short: of ideal', 'long: tasks/s', 'long: makespan', 'long: makespan ÷ ideal'], throughputRows),
    '',
    `Worker processes against ${first}: short tasks ${scaling('short')}; long tasks ${scaling('long')}.`,
    '',
    '![throughput as a fraction of the ideal, in-process and on workers](charts/workers.svg)',
    '',
    `**Per-task overhead**: for each task, the time from the dispatcher handing it out (RUNNING) to its result being back (COMPLETED), minus the time it sleeps. In-process this is timer lateness and the dispatcher's own bookkeeping; through Redis it adds the job's way there (BullMQ add, the worker's fetch, its delivery log, cancel and policy checks, its registry update) and back (the outcome recorded with SET NX, BullMQ's completed event, the dispatcher reading the outcome). *One task at a time*: ${config.latency.tasks} tasks of ${config.latency.ms} ms at dispatcher concurrency 1, on one worker process — the round trip with nothing else competing for the CPU. *Short workload*: every task of the throughput runs above, where tasks also wait for a CPU.`,
    '',
    table(['runner', 'load', 'overhead p50', 'overhead p99', 'tasks'], overheadRows),
    '',
    `**What limits the short tasks.** Two things, both per task. Each task holds its slot for its sleep *and* its round trip, so the slots allow at most slots × 1000 ÷ (${short.ms} ms + the mean one-at-a-time overhead) tasks/s (*round-trip bound*). And each task costs CPU in every process it passes through: the table shows the CPU time each process spent over the short workload's runs, per task (user + system: the dispatcher's from \`process.cpuUsage\`, the worker processes' from /proc in 10 ms ticks, Redis's from its INFO; for the in-process rows only the benchmark's own process counts). *CPU ceiling* = ${cores} cores × 1000 ÷ total CPU ms per task, the most tasks/s if nothing else ran on the machine — other jobs did: the 1-minute load average was ${fixed(m.load.start, 1)} when the benchmark started and ${fixed(m.load.end, 1)} when it ended, on ${cores} cores.`,
    '',
    table(['runner', 'CPU ms per task: dispatcher', 'workers', 'Redis', 'total', 'CPU ceiling, tasks/s', 'round-trip bound, tasks/s', 'measured tasks/s'], cpuRows),
    '',
    `Through Redis a task costs ${fixed(cpuOf('workers', first), 1)} ms of CPU across the processes with ${first} worker and ${fixed(cpuOf('workers', last), 1)} ms with ${last}, against ${fixed(cpuOf('in-process', first), 2)} ms in-process: each task is a BullMQ job (Lua scripts on Redis, a lock, events), plus the worker's delivery log, outcome record and registry updates. With ${first} worker the tighter bound is ${tighter(first)}; with ${last} it is ${tighter(last)}: ${short.ms} ms tasks on ${last * perWorker} slots would need ${fixed(shortCores, 1)} cores for the bookkeeping alone at their ideal rate${shortCores > cores ? `, more than the ${cores} cores there are` : ''}. ${long.ms} ms tasks need ${fixed(longCores(last), 2)} cores' worth at ${last} workers' ideal rate, so they come closer to scaling with the workers; their gap is partly the round trip (${fixed((mean(oneAtATime('workers')) / long.ms) * 100, 0)} % of a ${long.ms} ms task), the rest most likely ${last + 2} processes sharing ${cores} cores with other jobs. On a real deployment the workers' CPU is on their own machines; the dispatcher's own share (${fixed(cpuPerTask('short', 'workers', last, (c) => c.dispatcher), 1)}–${fixed(cpuPerTask('short', 'workers', first, (c) => c.dispatcher), 1)} ms per task here) stays on the one running the run.`,
    '',
    `**Cancel latency.** ${config.cancels} tasks, each simulating 30 s, run through Redis at dispatcher concurrency 1; ${RUNNING_BEFORE_CANCEL_MS} ms after a worker says it holds a task, \`dispatcher.cancelTask\` cancels it (research()'s \`onDispatcher\` hands out the dispatcher) and the next task starts. Timed from that call until the worker side has stopped the task, as seen from outside: the worker's record in the worker registry (\`listWorkers\`, read every ${POLL_MS} ms, so up to about ${POLL_MS} ms late) no longer lists the task — by then the worker has had the cancel message, aborted the task, recorded its outcome and rewritten its record, as the Workers view would show it. The worker process is the real setting; the same run against a \`ResearchWorker\` inside the benchmark's process also times the moment the task's own AbortSignal fires on the worker (its provider notes it), which the registry time includes. The issue's goal: aborted on the worker that holds it within ${CANCEL_GOAL_MS / 1000} s.`,
    '',
    table(['worker', 'timed', 'p50', 'p99', 'max', `within ${CANCEL_GOAL_MS / 1000} s`], cancelRows),
  ].join('\n');

  return {
    title: TITLE,
    markdown,
    charts: [{ file: 'workers.svg', svg: chart, alt: 'throughput as a fraction of the ideal, in-process and on workers' }],
    headline: [
      `Workers on Redis, all processes on ${cores} shared cores: ${long.ms} ms tasks run at ${fixed(ofIdeal('long', 'workers', first) * 100, 0)} % / ${fixed(ofIdeal('long', 'workers', last) * 100, 0)} % of the ideal rate on ${first} / ${last} worker processes (in-process ${fixed(ofIdeal('long', 'in-process', first) * 100, 0)} % / ${fixed(ofIdeal('long', 'in-process', last) * 100, 0)} %); ${short.ms} ms tasks at ${fixed(rate('short', 'workers', first), 0)} / ${fixed(rate('short', 'workers', last), 0)} tasks/s (in-process ${fixed(rate('short', 'in-process', first), 0)} / ${fixed(rate('short', 'in-process', last), 0)}), held back by ${tighter(first)} on ${first} and ${tighter(last)} on ${last} (${fixed(cpuOf('workers', last), 1)} ms of CPU per task through Redis, ${fixed(cpuOf('in-process', last), 2)} ms in-process). Per-task overhead one task at a time: ${ms(pct(oneAtATime('workers'), 50))} p50 through Redis, ${ms(pct(oneAtATime('in-process'), 50))} in-process.`,
      `Cancel on a worker process: stopped there ${ms(processP50)} (p50) / ${ms(processP99)} (p99) after cancelTask, ${within(m.processCancels)} within the ${CANCEL_GOAL_MS / 1000} s goal.`,
    ],
  };
}
