/**
 * Runs that make the progress panel worth looking at, for tests and screenshots: a 12-task offline
 * research over a folder (with paced tasks and a few retries, so the timeline has something to show)
 * and a 500-task simulated run. Each starts a real run through the run service, as every front end
 * does, and returns the pictures its RunViewModel showed along the way, at most one per 50 ms as
 * the extension sends them.
 */
import { RetryableError } from '../../src/core/errors';
import type { PlanInput, TaskSpecInput } from '../../src/core/plan';
import type { ResearchProvider } from '../../src/core/provider';
import { sleep } from '../../src/core/retry';
import type { RunViewSnapshot } from '../../src/core/run-view';
import { createOfflineProvider } from '../../src/providers/offline';
import { startRun, type StartRunOptions } from '../../src/core/run/run-service';
import { ChangeCoalescer } from '../../src/extension/run/change-coalescer';

export interface ScenarioResult {
  /** Every picture sent, in order, from planning to the written report. */
  snapshots: RunViewSnapshot[];
  final: RunViewSnapshot;
}

const TWELVE_QUERIES = [
  'retry backoff jitter',
  'Retry-After header',
  'retryable error classification',
  'timeout AbortSignal',
  'cancel task dependents',
  'concurrency limit p-limit',
  'ready queue critical path rank',
  'replan keeps completed tasks',
  'report citations line ranges',
];

export function twelveTaskPlan(): PlanInput {
  const searches: TaskSpecInput[] = TWELVE_QUERIES.map((query, i) => ({
    id: `search-${i + 1}`,
    kind: 'search',
    description: `Find passages about ${query}`,
    query,
  }));
  return {
    question: 'How does the dispatcher handle retries, timeouts and cancellation?',
    tasks: [
      ...searches,
      { id: 'analyze-retries', kind: 'analyze', description: 'Deduplicate the evidence about retries and timeouts', dependsOn: ['search-1', 'search-2', 'search-3', 'search-4', 'search-5'] },
      { id: 'analyze-scheduling', kind: 'analyze', description: 'Deduplicate the evidence about scheduling', dependsOn: ['search-6', 'search-7', 'search-8', 'search-9'] },
      { id: 'synthesize', kind: 'synthesize', description: 'Write the report', dependsOn: ['analyze-retries', 'analyze-scheduling'] },
    ],
  };
}

/** The offline provider with each attempt paced and a few first attempts failing, as a real one would. */
function pacedProvider(root: string, paceMs: number): ResearchProvider {
  const inner = createOfflineProvider({ root });
  const failOnce = new Set(['search-3', 'search-7']);
  return {
    ...inner,
    execute: async (spec, context) => {
      const index = Number(/\d+/.exec(spec.id)?.[0] ?? 5);
      await sleep(paceMs * (0.6 + ((index * 37) % 10) / 10), context.signal);
      if (failOnce.has(spec.id) && context.attempt === 1) throw new RetryableError('429 Too Many Requests (simulated)');
      return inner.execute(spec, context);
    },
  };
}

interface ScenarioRun {
  question: string;
  plan: PlanInput;
  root: string;
  outFile: string;
  provider: ResearchProvider;
  limits: NonNullable<StartRunOptions['limits']>;
}

async function runWith(run: ScenarioRun): Promise<ScenarioResult> {
  const handle = startRun({ ...run, createProvider: async () => run.provider });
  const snapshots: RunViewSnapshot[] = [];
  const send = new ChangeCoalescer(() => snapshots.push(structuredClone(handle.view.snapshot())), 50);
  send.now();
  const subscription = handle.view.onChange(() => send.schedule());
  await handle.done;
  subscription.dispose();
  send.now();
  return { snapshots, final: snapshots[snapshots.length - 1]! };
}

/** 12 tasks over `root` with the offline provider; `outFile` receives the report. */
export async function runTwelveTasks(root: string, outFile: string, paceMs = 400): Promise<ScenarioResult> {
  const plan = twelveTaskPlan();
  return runWith({ question: plan.question, plan, root, outFile, provider: pacedProvider(root, paceMs), limits: { concurrency: 3, maxRetries: 2 } });
}

export function simulatedPlan(total: number): PlanInput {
  const synths = Math.max(1, Math.round(total / 50));
  const analyses = Math.max(1, Math.round(total / 6));
  const searches = total - synths - analyses;
  const tasks: TaskSpecInput[] = [];
  for (let i = 0; i < searches; i++) {
    tasks.push({ id: `search-${i + 1}`, kind: 'search', description: `Simulated search ${i + 1}`, simulate: { ms: 20 + ((i * 53) % 60), failTimes: i % 23 === 0 ? 1 : 0 } });
  }
  for (let i = 0; i < analyses; i++) {
    const dependsOn = Array.from({ length: 4 }, (_, k) => `search-${((i * 4 + k) % searches) + 1}`);
    tasks.push({ id: `analyze-${i + 1}`, kind: 'analyze', description: `Simulated analysis ${i + 1}`, dependsOn: [...new Set(dependsOn)], simulate: { ms: 40, failTimes: 0 } });
  }
  for (let i = 0; i < synths; i++) {
    const dependsOn = Array.from({ length: 6 }, (_, k) => `analyze-${((i * 6 + k) % analyses) + 1}`);
    tasks.push({ id: `synthesize-${i + 1}`, kind: 'synthesize', description: `Simulated synthesis ${i + 1}`, dependsOn: [...new Set(dependsOn)], simulate: { ms: 60, failTimes: 0 } });
  }
  return { question: `A simulated run of ${total} tasks`, tasks };
}

/** `total` simulated tasks (no provider work at all); the report says so. */
export async function runSimulated(root: string, outFile: string, total = 500): Promise<ScenarioResult> {
  const plan = simulatedPlan(total);
  const provider = createOfflineProvider({ root });
  return runWith({ question: plan.question, plan, root, outFile, provider, limits: { concurrency: 16, maxRetries: 2 } });
}
