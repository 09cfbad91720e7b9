import * as path from 'node:path';
import { jsonLine, printableLine, printableText } from '../core/control-chars';
import { errorMessage, UsageError } from '../core/errors';
import { EventBus } from '../core/events';
import { PlanValidationError } from '../core/plan';
import type { ResearchProvider } from '../core/provider';
import { listRuns } from '../core/journal/history';
import { research, DEFAULT_OUTPUT_FOLDER, type ResearchResult } from '../core/research';
import { resumeResearch, RunAlreadyCompletedError } from '../core/resume';
import { findRunDir } from '../core/journal/history';
import { readRunMeta } from '../core/journal/run-meta';
import { newRunId } from '../core/run-id';
import { SecretRedactor } from '../core/secret-redactor';
import { createProviderFromSettings } from '../providers/create-provider';
import { indexBudgetFromEnv, indexCacheDir } from '../providers/offline';
import { formatUsd } from '../core/format';
import { parseCliArgs, USAGE, type CliOptions } from './args';
import { formatHistory } from './history';
import { providerSettingsFromArgs, TARGET_FLAGS } from './provider-from-args';
import { checkResumeTarget } from './resume-target-check';
import { requireFolder } from './options';
import { readPlanFile } from '../core/plan-file';
import { ProgressBar } from './progress-bar';
import type { OpenTransport } from '../core/executor';
import { checkRedisReachable } from '../distributed/connection';
import { redisTransport } from '../distributed/redis-transport';
import { parseRedisUrl } from '../distributed/redis-url';

export const EXIT = { done: 0, failed: 1, usage: 2, cancelled: 130 } as const;

/**
 * The run's keys, once its provider has resolved them: every line this process prints goes through
 * it (the events are redacted by research() already; this covers the report line, notices and errors).
 */
let redactor: SecretRedactor = SecretRedactor.NONE;

/** A message on stderr. Messages carry text from the folder and from servers: see core/control-chars. */
function say(message: string): void {
  process.stderr.write(`research: ${printableText(redactor.text(message))}\n`);
}

/** A path or a JSON line on stdout, the output scripts read. */
function output(line: string): void {
  process.stdout.write(`${redactor.text(line)}\n`);
}

async function run(options: CliOptions): Promise<number> {
  const root = await requireFolder(options.dir);
  if (options.history) {
    output(formatHistory(listRuns(root, DEFAULT_OUTPUT_FOLDER), options.json));
    return EXIT.done;
  }
  if (options.resume !== undefined && (options.question !== undefined || options.plan !== undefined)) {
    throw new UsageError('--resume continues a run with its own question and plan: leave out the question and --plan');
  }
  const plan = options.plan !== undefined ? await readPlanFile(options.plan) : undefined;
  if (plan === undefined && options.question === undefined && options.resume === undefined) throw new UsageError('no question given: npm run research -- "your question"');

  // Before planning: a Redis that cannot be reached is a clear error at once, not a run that hangs.
  const transport = options.redis !== undefined ? await redisTransportFromArgs(options) : undefined;

  const bus = new EventBus((error) => say(`a progress handler failed: ${errorMessage(error)}`));
  if (options.json) bus.onAny((event) => output(jsonLine(event)));
  else new ProgressBar(process.stderr, bus);

  // First Ctrl-C: cancel, write the partial report, exit 130. Second: leave at once.
  const controller = new AbortController();
  process.on('SIGINT', () => {
    if (controller.signal.aborted) process.exit(EXIT.cancelled);
    process.stderr.write('\nCancelling… writing the partial report (Ctrl-C again to quit at once)\n');
    controller.abort();
  });
  process.on('SIGTERM', () => controller.abort());

  // The run id is chosen here so that the provider knows the run's folder (web pages are stored there).
  const runId = options.resume ?? newRunId();
  const runDir = options.resume !== undefined ? findRunDir(root, DEFAULT_OUTPUT_FOLDER, runId) : path.join(root, DEFAULT_OUTPUT_FOLDER, runId);
  const settings = await providerSettingsFromArgs(options);
  if (options.resume !== undefined) {
    const typedOnPurpose = TARGET_FLAGS.some((flag) => options.explicit.has(flag));
    checkResumeTarget(runId, readRunMeta(runDir), settings, typedOnPurpose, say);
  }
  const provider = await createProviderFromSettings({
    settings,
    root,
    runDir,
    keys: { env: process.env },
    indexBudget: indexBudgetFromEnv(process.env),
    indexCacheDir: options.noIndexCache ? undefined : indexCacheDir(process.env),
  });
  redactor = provider.redactor ?? SecretRedactor.NONE;
  if (options.resume !== undefined && !options.json) say(`resuming with ${provider.label}`);
  try {
    return await researchAndReport(options, root, plan, provider, controller.signal, bus, runId, transport);
  } catch (error) {
    if (error instanceof RunAlreadyCompletedError) {
      // Nothing left to do is not a failure: say so, and give the report as a finished run would.
      say(`run ${error.runId} already completed; nothing to resume. Report:`);
      output(printableLine(error.reportPath));
      return EXIT.done;
    }
    // Cancelled before a dispatcher existed (while planning): nothing ran, so there is no report.
    if (controller.signal.aborted) {
      say('cancelled while planning; no task had run, so no report was written');
      return EXIT.cancelled;
    }
    throw error;
  } finally {
    provider.dispose?.();
  }
}

/** `--redis <url>`: tasks go to workers through BullMQ on that Redis, checked reachable now. */
async function redisTransportFromArgs(options: CliOptions): Promise<OpenTransport> {
  const target = parseRedisUrl(options.redis!);
  await checkRedisReachable(target);
  if (!options.json) say(`tasks run on workers through ${target.display}`);
  return redisTransport(target, { graceMs: options.redisGraceMs });
}

/** `--resume <run-id>`: settings typed now win; the others are the run's own. */
function resumeFromCommandLine(
  options: CliOptions,
  runId: string,
  root: string,
  provider: ResearchProvider,
  signal: AbortSignal,
  bus: EventBus,
  transport: OpenTransport | undefined,
): Promise<ResearchResult> {
  const given = (name: string) => options.explicit.has(name);
  return resumeResearch({
    runId,
    root,
    provider,
    outFile: options.out,
    concurrency: given('concurrency') ? options.concurrency : undefined,
    taskTimeoutMs: given('timeout') ? options.timeoutSeconds * 1000 : undefined,
    retry: given('max-retries') ? { maxRetries: options.maxRetries } : undefined,
    maxTasks: given('max-tasks') ? options.maxTasks : undefined,
    signal,
    bus,
    transport,
    onNotice: say,
  });
}

async function researchAndReport(
  options: CliOptions,
  root: string,
  plan: unknown,
  provider: ResearchProvider,
  signal: AbortSignal,
  bus: EventBus,
  runId: string,
  transport: OpenTransport | undefined,
): Promise<number> {
  const result: ResearchResult =
    options.resume !== undefined
      ? await resumeFromCommandLine(options, options.resume, root, provider, signal, bus, transport)
      : await research({
    question: options.question ?? '',
    root,
    provider,
    plan,
    runId,
    outFile: options.out,
    concurrency: options.concurrency,
    taskTimeoutMs: options.timeoutSeconds * 1000,
    retry: { maxRetries: options.maxRetries },
    maxTasks: options.maxTasks,
    signal,
    bus,
    transport,
  });
  if (options.json) {
    output(jsonLine(redactor.value({ type: 'report', reportPath: result.reportPath, outcome: result.outcome, stats: result.stats })));
  } else {
    const usage = result.stats.usage;
    if (usage.inputTokens + usage.outputTokens > 0) {
      process.stderr.write(`Tokens: ${usage.inputTokens} in, ${usage.outputTokens} out${usage.costUsd > 0 ? ` · cost ${formatUsd(usage.costUsd)}` : ''}\n`);
    }
    process.stderr.write(`Report (${result.outcome}):\n`);
    output(printableLine(result.reportPath));
  }
  if (result.outcome === 'cancelled') return EXIT.cancelled;
  return result.outcome === 'completed' ? EXIT.done : EXIT.failed;
}

export async function main(argv: readonly string[]): Promise<number> {
  try {
    // `npm run` starts scripts in the package's folder; INIT_CWD is where the person typed the command.
    const options = parseCliArgs(argv, process.env.INIT_CWD || process.cwd());
    if (options.help) {
      process.stdout.write(`${USAGE}\n`);
      return EXIT.done;
    }
    return await run(options);
  } catch (error) {
    const usage = error instanceof UsageError || error instanceof PlanValidationError;
    say(`${usage ? '' : 'failed: '}${errorMessage(error)}`);
    return usage ? EXIT.usage : EXIT.failed;
  }
}

if (require.main === module) {
  main(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
    // Everything is written by now. A client library's timer (a Redis reconnect after Redis went away)
    // must not keep the terminal waiting, so leave shortly even if one is still pending.
    setTimeout(() => process.exit(code), 500).unref();
  });
}
