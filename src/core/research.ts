import * as path from 'node:path';
import { Dispatcher } from './dispatcher';
import { errorMessage, PlanDiscardedError, UsageError } from './errors';
import { EventBus, type RunOutcome } from './events';
import { attemptUsageOf, type OpenTransport, type TaskExecutor, type TaskResult, type TaskTransport } from './executor';
import { REPORT_FILE } from './journal/report-path';
import { assertSafeOutputFolder } from './journal/run-files';
import { recordReportPath } from './journal/run-meta';
import type { Round } from './journal/replay';
import { RunSession } from './journal/session';
import { assertWritableReportPath } from './output-check';
import { validatePlan, DEFAULT_MAX_TASKS, type Plan } from './plan';
import type { ResearchProvider, UsageTotals } from './provider';
import { validateQuestion } from './question';
import { renderReport } from './report';
import { withReportDepth, type ReportDepth } from './report-depth';
import { SecretRedactor } from './secret-redactor';
import { writeReportWithFallback, type WriteFile } from './report-file';
import type { RetryPolicy } from './retry';
import { newRunId } from './run-id';
import { withSimulation } from './simulate';
import type { RunStatistics } from './stats';
import type { TaskSnapshot } from './task';
import { addUsage, usageSince } from './usage';

export interface ResearchOptions {
  question: string;
  /** The folder the research reads (and, by default, writes its report under). */
  root: string;
  provider: ResearchProvider;
  /** Run this plan instead of asking the provider to decompose the question. */
  plan?: unknown;
  /** Where to write the report; default `<root>/<outputFolder>/<runId>/report.md`. */
  outFile?: string;
  outputFolder?: string;
  concurrency?: number;
  taskTimeoutMs?: number;
  retry?: Partial<RetryPolicy>;
  maxTasks?: number;
  signal?: AbortSignal;
  bus?: EventBus;
  runId?: string;
  /** Called once the dispatcher exists (see run/live-run.ts), with the run's own limit on tasks for replans. */
  onDispatcher?: (dispatcher: Dispatcher, limits: { maxTasks: number }) => void;
  /**
   * Journal the run in `<root>/<outputFolder>/<runId>/` (journal.jsonl, run.json, lock) so that it can
   * be resumed if interrupted. Default true; a folder that cannot be written costs only a warning.
   */
  journal?: boolean;
  /**
   * Runs the tasks on workers elsewhere (e.g. BullMQ on Redis) instead of in this process. The
   * dispatcher, the journal and the report stay here. Default: in-process.
   */
  transport?: OpenTransport;
  /** Resume only (see resume.ts): the session of the run being resumed and its completed tasks. */
  resume?: { session: RunSession; completed: ReadonlyMap<string, TaskResult>; rounds?: readonly Round[] };
  /**
   * Called with the plan before anything runs (research.reviewPlan, --review): resolves with the plan
   * to run — as the person edited and approved it — or undefined when they discarded it (the run ends
   * with a PlanDiscardedError, before its journal is opened: nothing ran, nothing is left behind).
   */
  review?: (plan: Plan, limits: { maxTasks: number }) => Promise<Plan | undefined>;
  /** Where this session's tokens and cost are counted from (the provider's count before a follow-up was planned). */
  usageSince?: UsageTotals;
  /** How long the report is; stamped on the plan's analyze and synthesize tasks (report-depth.ts). */
  reportDepth?: ReportDepth;
  /** How the report file is written; tests make it fail like a full or read-only disk. Default: atomically. */
  writeReport?: WriteFile;
}

export interface ResearchResult {
  runId: string;
  outcome: RunOutcome;
  /** Where the report really is: the path asked for, or where it went when that could not be written. */
  reportPath: string;
  stats: RunStatistics;
  tasks: TaskSnapshot[];
}

export const DEFAULT_OUTPUT_FOLDER = '.research';

/**
 * One research run, front to back: check the question, plan (or take the given plan), dispatch, and
 * write the report. The report is written whatever the outcome, cancelled and failed runs included.
 */
export async function research(options: ResearchOptions): Promise<ResearchResult> {
  const runId = options.runId ?? newRunId();
  const bus = options.bus ?? new EventBus();
  // Everything the run records passes through the provider's redactor: its events (and so the journal,
  // --json and VS Code's views), run.json and the report. A server may echo a key in any answer.
  bus.redactWith(options.provider.redactor);
  // Checked before anything else, so a report that could not be written costs no planning and no tasks.
  // The output folder first: the writability probe must not create a file through a .research link.
  if (!options.resume && options.journal !== false) assertSafeOutputFolder(path.resolve(options.root), options.outputFolder ?? DEFAULT_OUTPUT_FOLDER);
  assertWritableReportPath(reportPathOf(options, runId));
  // Opened before planning, so a transport that refuses the run (e.g. a provider workers cannot run)
  // costs no planning; closed once the run is over, whatever happened.
  const transport = await openTransport(options, runId, path.resolve(options.root), bus);
  try {
    return await researchWith({ ...options, runId, bus }, transport);
  } finally {
    await transport?.close();
  }
}

async function researchWith(options: ResearchOptions & { runId: string; bus: EventBus }, transport: TaskTransport | undefined): Promise<ResearchResult> {
  const root = path.resolve(options.root);
  const { runId, bus } = options;
  const maxTasks = options.maxTasks ?? DEFAULT_MAX_TASKS;
  const signal = options.signal ?? new AbortController().signal;
  // Counted from here (or from before a follow-up's planning): this session's tokens and cost.
  const usageBefore = options.usageSince ?? options.provider.usage?.();
  const usageNow = usageBefore && options.provider.usage ? () => usageSince(usageBefore, options.provider.usage!()) : undefined;

  const planned =
    options.plan !== undefined
      ? validatePlan(options.plan, { maxTasks })
      : validatePlan(
          await options.provider.plan(validateQuestion(options.question), {
            signal,
            maxTasks,
            log: (level, message) => bus.emit('log', { runId, level, message, at: Date.now() }),
          }),
          { maxTasks },
        );
  // A resume runs its journal's plan as it was (its tasks carry their depth already).
  let plan = options.resume ? planned : withReportDepth(planned, options.reportDepth);
  if (options.review) {
    const approved = await options.review(plan, { maxTasks });
    if (!approved) throw new PlanDiscardedError();
    // The journal records the plan as approved, so a resume runs what the person approved.
    plan = withReportDepth(validatePlan(approved, { maxTasks }), options.reportDepth);
  }
  const reportPath = reportPathOf(options, runId);
  const startedAt = Date.now();

  const dispatcher = new Dispatcher({
    runId,
    plan,
    executor: transport ? countingRemoteUsage(transport.execute, options.provider) : withSimulation(options.provider.execute),
    concurrency: options.concurrency,
    taskTimeoutMs: options.taskTimeoutMs,
    retry: options.retry,
    maxTasks,
    bus,
    signal,
    completed: options.resume?.completed,
    shouldStart: options.provider.shouldStart?.bind(options.provider),
    // The provider's own count includes planning and failed attempts, which no task result carries.
    usage: usageNow,
  });
  options.onDispatcher?.(dispatcher, { maxTasks });
  const session = options.resume?.session ?? (options.journal === false ? undefined : openSession(options, { runId, root, reportPath, startedAt, question: plan.question, maxTasks }, bus));
  session?.attach(bus, () => dispatcher.plan());
  const summary = await dispatcher.run();

  // The report's words are redacted before rendering (Markdown escapes would hide a key from a
  // search of the text, e.g. `_` as `\_`) and its text after (what rendering put together).
  const redactor = options.provider.redactor ?? SecretRedactor.NONE;
  const content = redactor.value({ question: dispatcher.plan().question, tasks: summary.tasks, providerLabel: options.provider.label });
  const render = (file: string) =>
    redactor.text(renderReport({ runId, ...content, outcome: summary.outcome, stats: summary.stats, root, reportPath: file, startedAt, rounds: roundsWith(options.resume?.rounds, summary.stats.usage) }));
  const runDir = session?.runDir ?? runDirOf(options, runId);
  const written = await writeReportWithFallback({ reportPath, runDir, runId, render, write: options.writeReport });
  if (written.failed.length > 0) {
    const why = written.failed.map((f) => `${f.file} (${errorMessage(f.error)})`).join('; ');
    bus.emit('log', { runId, level: 'warn', message: `the report could not be written to ${why}; it was written to ${written.file} instead`, at: Date.now() });
    if (session) {
      try {
        recordReportPath(session.runDir, written.file, redactor);
      } catch (error) {
        bus.emit('log', { runId, level: 'warn', message: `run.json could not record where the report went (${errorMessage(error)})`, at: Date.now() });
      }
    }
  }
  return { runId, outcome: summary.outcome, reportPath: written.file, stats: summary.stats, tasks: summary.tasks };
}

/** The run's rounds with this session's tokens and cost added to the last (the one it belongs to). */
function roundsWith(earlier: readonly Round[] | undefined, usage: Round['usage']): Round[] | undefined {
  if (!earlier || earlier.length === 0) return undefined;
  return earlier.map((r, i) => (i === earlier.length - 1 ? { ...r, usage: addUsage(r.usage, usage) } : r));
}

function runDirOf(options: ResearchOptions, runId: string): string {
  return path.join(path.resolve(options.root), options.outputFolder ?? DEFAULT_OUTPUT_FOLDER, runId);
}

function reportPathOf(options: ResearchOptions, runId: string): string {
  return path.resolve(options.outFile ?? path.join(runDirOf(options, runId), REPORT_FILE));
}

/** Tasks run elsewhere spent tokens there: the provider here counts them, for the totals and the budget. */
function countingRemoteUsage(execute: TaskExecutor, provider: ResearchProvider): TaskExecutor {
  return async (task, context) => {
    let result: TaskResult;
    try {
      result = await execute(task, context);
    } catch (error) {
      const spent = attemptUsageOf(error);
      if (spent) provider.recordRemoteUsage?.(spent, false);
      throw error;
    }
    if (result.usage) provider.recordRemoteUsage?.({ ...result.usage, costUsd: result.usage.costUsd ?? 0 }, true);
    return result;
  };
}

function openTransport(options: ResearchOptions, runId: string, root: string, bus: EventBus): Promise<TaskTransport> | undefined {
  return options.transport?.({
    runId,
    root,
    provider: { id: options.provider.id, settings: options.provider.settings },
    log: (level, message) => bus.emit('log', { runId, level, message, at: Date.now() }),
  });
}

/** Opens the journal of a new run; a folder that cannot be written makes the run unresumable, not failed. */
function openSession(
  options: ResearchOptions,
  run: { runId: string; root: string; reportPath: string; startedAt: number; question: string; maxTasks: number },
  bus: EventBus,
): RunSession | undefined {
  const warn = (message: string) => bus.emit('log', { runId: run.runId, level: 'warn', message, at: Date.now() });
  try {
    return RunSession.create({
      ...run,
      runDir: runDirOf(options, run.runId),
      providerId: options.provider.id,
      providerLabel: options.provider.label,
      options: {
        concurrency: options.concurrency,
        taskTimeoutMs: options.taskTimeoutMs,
        maxRetries: options.retry?.maxRetries,
        maxTasks: run.maxTasks,
        outputFolder: options.outputFolder,
        ...(options.provider.settings !== undefined && { provider: options.provider.settings }),
      },
      onNotice: warn,
      redact: options.provider.redactor,
    });
  } catch (error) {
    if (error instanceof UsageError) throw error; // driven by another process, or the id is taken
    warn(`this run cannot be resumed if interrupted: its journal could not be created (${errorMessage(error)})`);
    return undefined;
  }
}
