import { jsonLine, printableLine, printableText } from '../core/control-chars';
import { errorMessage, UsageError } from '../core/errors';
import { EventBus } from '../core/events';
import { formatUsd } from '../core/format';
import { listRuns } from '../core/journal/history';
import { PlanValidationError } from '../core/plan';
import { readPlanFile } from '../core/plan-file';
import { DEFAULT_OUTPUT_FOLDER } from '../core/research';
import type { RunDone } from '../core/run/run-handle';
import type { PlanReview } from '../core/run/plan-review';
import { SecretRedactor } from '../core/secret-redactor';
import { parseCliArgs, USAGE, type CliOptions } from './args';
import { formatHistory } from './history';
import { requireFolder } from './options';
import { promptForPlan } from './plan-prompt';
import { ProgressBar } from './progress-bar';
import { runFromArgs } from './run-from-args';

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
  if (plan === undefined && options.question === undefined && options.resume === undefined && options.followUp === undefined) throw new UsageError('no question given: npm run research -- "your question"');

  const bus = new EventBus((error) => say(`a progress handler failed: ${errorMessage(error)}`));
  if (options.json) bus.onAny((event) => output(jsonLine(event)));
  if (options.review && !(process.stdin.isTTY && process.stderr.isTTY)) {
    throw new UsageError('--review asks on a terminal, and there is none here: print the plan with --plan-only > plan.json, edit it, then run it with --plan plan.json');
  }
  const handle = await runFromArgs(options, root, plan, {
    bus,
    say,
    onProvider: (provider) => (redactor = provider.redactor ?? SecretRedactor.NONE),
    onReview: reviewOf(options),
  });
  // The handle exists before planning sends its first event, so the bar misses nothing.
  if (!options.json) new ProgressBar(process.stderr, handle.bus, handle.view);

  // First Ctrl-C: cancel, write the partial report, exit 130. Second: leave at once.
  process.on('SIGINT', () => {
    if (handle.cancelRequested) process.exit(EXIT.cancelled);
    process.stderr.write('\nCancelling… writing the partial report (Ctrl-C again to quit at once)\n');
    handle.cancel();
  });
  process.on('SIGTERM', () => handle.cancel());

  let done: RunDone;
  try {
    done = await handle.done;
  } catch (error) {
    // A run cancelled once its tasks exist ends with a report; a throw means it was still planning.
    if (!handle.cancelRequested) throw error;
    say('cancelled while planning; no task had run, so no report was written');
    return EXIT.cancelled;
  }
  if (done.kind === 'discarded') {
    if (!options.planOnly) say('the plan was discarded: nothing ran');
    return EXIT.done;
  }
  if (done.kind === 'already-completed') {
    // Nothing left to do is not a failure: say so, and give the report as a finished run would.
    say(`run ${done.runId} already completed; nothing to resume. Report:`);
    output(printableLine(done.reportPath));
    return EXIT.done;
  }
  report(options, done);
  if (done.outcome === 'cancelled') return EXIT.cancelled;
  return done.outcome === 'completed' ? EXIT.done : EXIT.failed;
}

/** --plan-only prints the plan and runs nothing; --review asks the person on the terminal. */
function reviewOf(options: CliOptions): ((review: PlanReview) => void) | undefined {
  if (options.planOnly) {
    return (review) => {
      output(`${JSON.stringify(redactor.value(review.plan), null, 2)}`);
      review.discard();
    };
  }
  if (options.review) return (review) => void promptForPlan(review, { input: process.stdin, output: process.stderr });
  return undefined;
}

/** The last lines: the report's path on stdout (or a JSON line), tokens and cost on stderr. */
function report(options: CliOptions, done: Extract<RunDone, { kind: 'finished' }>): void {
  if (options.json) {
    output(jsonLine(redactor.value({ type: 'report', reportPath: done.reportPath, outcome: done.outcome, stats: done.stats })));
    return;
  }
  const usage = done.stats.usage;
  if (usage.inputTokens + usage.outputTokens > 0) {
    process.stderr.write(`Tokens: ${usage.inputTokens} in, ${usage.outputTokens} out${usage.costUsd > 0 ? ` · cost ${formatUsd(usage.costUsd)}` : ''}\n`);
  }
  process.stderr.write(`Report (${done.outcome}):\n`);
  output(printableLine(done.reportPath));
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
