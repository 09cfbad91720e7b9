/**
 * Runs that make the progress panel worth looking at, for tests and screenshots: a 12-task offline
 * research over a folder (with paced tasks and a few retries, so the timeline has something to show)
 * and a 500-task simulated run. Each returns the snapshots a FakeRunSource produced along the way.
 */
import { RetryableError } from '../../src/core/errors';
import { EventBus } from '../../src/core/events';
import type { PlanInput, TaskSpecInput } from '../../src/core/plan';
import type { ResearchProvider } from '../../src/core/provider';
import { research } from '../../src/core/research';
import { sleep } from '../../src/core/retry';
import type { RunViewSnapshot } from '../../src/core/run-view';
import { createOfflineProvider } from '../../src/providers/offline';
import { FakeRunSource } from './fake-run-source';
import { readFile } from 'node:fs/promises';

export interface ScenarioResult {
  /** Every snapshot the source sent, in order. */
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

async function runWith(source: FakeRunSource, options: Parameters<typeof research>[0]): Promise<ScenarioResult> {
  const snapshots: RunViewSnapshot[] = [];
  const subscription = source.onDidChange((snapshot) => snapshots.push(structuredClone(snapshot)));
  const bus = options.bus ?? new EventBus();
  const controller = new AbortController();
  source.watch({ bus, question: options.question, root: options.root, providerLabel: options.provider.label, concurrency: options.concurrency ?? 4, cancel: () => controller.abort() });
  const result = await research({ ...options, bus, signal: controller.signal, onDispatcher: (d) => source.attach(d) });
  source.finish(result.reportPath, await readFile(result.reportPath, 'utf8'));
  subscription.dispose();
  const final = source.snapshot;
  if (!final) throw new Error('the fake source has no snapshot');
  return { snapshots, final: structuredClone(final) };
}

/** 12 tasks over `root` with the offline provider; `outFile` receives the report. */
export async function runTwelveTasks(root: string, outFile: string, paceMs = 400): Promise<ScenarioResult> {
  const source = new FakeRunSource(undefined, 50);
  const plan = twelveTaskPlan();
  return runWith(source, { question: plan.question, plan, root, outFile, provider: pacedProvider(root, paceMs), concurrency: 3, retry: { maxRetries: 2, baseDelayMs: 300 } });
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
  const source = new FakeRunSource(undefined, 50);
  const plan = simulatedPlan(total);
  const provider = createOfflineProvider({ root });
  return runWith(source, { question: plan.question, plan, root, outFile, provider, concurrency: 16, retry: { maxRetries: 2, baseDelayMs: 20 } });
}
