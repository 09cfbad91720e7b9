import type { EventBus } from '../core/events';
import type { OpenTransport } from '../core/executor';
import { DEFAULT_OUTPUT_FOLDER } from '../core/research';
import type { ResearchProvider } from '../core/provider';
import { inspectRun, resumeRun, startRun, type ProviderFactory, type RunLimits } from '../core/run/run-service';
import type { PlanReview } from '../core/run/plan-review';
import type { RunHandle } from '../core/run/run-handle';
import { checkRedisReachable } from '../distributed/connection';
import { redisTransport } from '../distributed/redis-transport';
import { parseRedisUrl } from '../distributed/redis-url';
import { createProviderFromSettings } from '../providers/create-provider';
import { indexBudgetFromEnv, indexCacheDir } from '../providers/offline';
import type { CliOptions } from './args';
import { providerSettingsFromArgs, TARGET_FLAGS } from './provider-from-args';
import { checkResumeTarget } from './resume-target-check';

export interface CliRunHooks {
  bus: EventBus;
  /** Messages for the person (stderr). */
  say(message: string): void;
  /** Told the run's provider once it is built, so that every line printed is redacted of its keys. */
  onProvider(provider: ResearchProvider): void;
  /** --review, --plan-only: the plan waits for the person before anything runs. */
  onReview?: (review: PlanReview) => void;
}

/**
 * The command line's run: a new one, or `--resume <run-id>`, through the run service. Settings typed now
 * win on resume; the others are the run's own (and the provider is the one typed, never the one its
 * run.json names: see checkResumeTarget).
 */
export async function runFromArgs(options: CliOptions, root: string, plan: unknown, hooks: CliRunHooks): Promise<RunHandle> {
  // A follow-up continues a finished run as a resume does, with a new round for the follow-up.
  const continued = options.resume ?? options.followUp?.runId;
  const inspected = continued !== undefined ? inspectRun(root, DEFAULT_OUTPUT_FOLDER, continued) : undefined;
  const settings = await providerSettingsFromArgs(options);
  const createProvider: ProviderFactory = async ({ runId, runDir, recorded }) => {
    if (inspected) checkResumeTarget(runId, recorded, settings, TARGET_FLAGS.some((flag) => options.explicit.has(flag)), hooks.say);
    const provider = await createProviderFromSettings({
      settings,
      root,
      runDir,
      keys: { env: process.env },
      indexBudget: indexBudgetFromEnv(process.env),
      indexCacheDir: options.noIndexCache ? undefined : indexCacheDir(process.env),
    });
    hooks.onProvider(provider);
    if (inspected && !options.json) hooks.say(`resuming with ${provider.label}`);
    return provider;
  };
  const common = {
    root,
    createProvider,
    openTransport: options.redis !== undefined ? () => redisTransportFromArgs(options, hooks.say) : undefined,
    outFile: options.out,
    bus: hooks.bus,
    onNotice: hooks.say,
  };
  if (inspected) return resumeRun({ ...common, runId: inspected.runId, inspected, limits: limitsTyped(options), followUp: options.followUp?.text });
  return startRun({
    ...common,
    question: options.question ?? '',
    plan,
    reportDepth: options.reportDepth,
    onReview: hooks.onReview,
    limits: { concurrency: options.concurrency, taskTimeoutMs: options.timeoutSeconds * 1000, maxRetries: options.maxRetries, maxTasks: options.maxTasks },
  });
}

/** On resume, only the limits typed on this command line; the run keeps its own for the rest. */
function limitsTyped(options: CliOptions): RunLimits {
  const given = (name: string) => options.explicit.has(name);
  return {
    concurrency: given('concurrency') ? options.concurrency : undefined,
    taskTimeoutMs: given('timeout') ? options.timeoutSeconds * 1000 : undefined,
    maxRetries: given('max-retries') ? options.maxRetries : undefined,
    maxTasks: given('max-tasks') ? options.maxTasks : undefined,
  };
}

/** `--redis <url>`: tasks go to workers through BullMQ on that Redis, checked reachable before planning. */
async function redisTransportFromArgs(options: CliOptions, say: (message: string) => void): Promise<OpenTransport> {
  const target = parseRedisUrl(options.redis!);
  await checkRedisReachable(target);
  if (!options.json) say(`tasks run on workers through ${target.display}`);
  return redisTransport(target, { graceMs: options.redisGraceMs });
}
