import * as path from 'node:path';
import type { EventBus } from '../events';
import type { OpenTransport } from '../executor';
import { findRunDir, listRuns } from '../journal/history';
import { readRunMeta, type RunMeta } from '../journal/run-meta';
import type { ResearchProvider } from '../provider';
import { DEFAULT_OUTPUT_FOLDER, research } from '../research';
import type { WriteFile } from '../report-file';
import { resumeResearch } from '../resume';
import { newRunId } from '../run-id';
import { DEFAULT_LIMITS } from '../defaults';
import type { ReportDepth } from '../report-depth';
import { LiveRun, type PreparedRun } from './live-run';
import type { PlanReview } from './plan-review';
import type { RunHandle } from './run-handle';

/**
 * Where every run starts: the CLI, VS Code, and any front end to come call startRun or resumeRun and
 * get a RunHandle at once. Who does the work is the caller's choice, made through `createProvider`
 * (the one place a front end builds its provider); everything else — the journal, the dispatcher, the
 * report, disposing of the provider — is the same code path for all of them.
 *
 *   CLI (cli/main.ts) ─┐
 *   VS Code (extension/run-manager.ts) ─┼─► startRun / resumeRun ─► LiveRun ─► research() ─► Dispatcher
 *   chat, MCP, … ─┘                                        (RunHandle)   resumeResearch()
 */

/** What a run may use; a value left out is the run's own (on resume) or the default. */
export interface RunLimits {
  concurrency?: number;
  taskTimeoutMs?: number;
  maxRetries?: number;
  maxTasks?: number;
}

export interface ProviderContext {
  runId: string;
  /** The run's folder (web pages it fetches are stored there). */
  runDir: string;
  root: string;
  /** Resume: the run's run.json, if it has one. Untrusted (it came with the folder): shown, checked, never obeyed. */
  recorded?: RunMeta;
}

/** Builds the run's provider; it is disposed of when the run ends. Throwing stops the run before it plans. */
export type ProviderFactory = (context: ProviderContext) => Promise<ResearchProvider>;

interface RunServiceOptions {
  /** The folder researched. */
  root: string;
  outputFolder?: string;
  createProvider: ProviderFactory;
  /** When tasks run on workers: opened first, so an unreachable Redis is said before a key is asked for. */
  openTransport?: () => Promise<OpenTransport | undefined>;
  /** Where to write the report (a start: default `<root>/<outputFolder>/<runId>/report.md`). */
  outFile?: string;
  bus?: EventBus;
  /** Said once, e.g. that a resume took over a stale lock. */
  onNotice?: (message: string) => void;
}

export interface StartRunOptions extends RunServiceOptions {
  question: string;
  /** Run this plan (as `--plan` takes it) instead of asking the provider. */
  plan?: unknown;
  runId?: string;
  limits?: RunLimits;
  /**
   * Review the plan before it runs: called when the plan waits for the person, with the review to
   * steer (edit, approve, discard). Without it the plan runs as soon as it is made.
   */
  onReview?: (review: PlanReview) => void;
  /** How long the report is (brief, standard, detailed); default standard. */
  reportDepth?: ReportDepth;
  /** Default true: journal the run so that it can be resumed. */
  journal?: boolean;
  writeReport?: WriteFile;
}

export interface ResumeRunOptions extends RunServiceOptions {
  runId: string;
  /** Limits given now win; the others are the run's own. */
  limits?: RunLimits;
  /** The run as inspectRun found it, when the caller already looked (e.g. to ask for consent). */
  inspected?: InspectedRun;
  /**
   * A follow-up question: a new round of tasks for it is planned and run, the finished work kept, and
   * the report written again with a section for it (see follow-up.ts). Without it: a plain resume.
   */
  followUp?: string;
}

/** A run of the folder's history, found by id: its folder, its run.json and its question. */
export interface InspectedRun {
  runId: string;
  runDir: string;
  recorded: RunMeta | undefined;
  question: string;
}

/** Finds a run by id and reads its run.json (an unknown id or a damaged file is a clear UsageError). */
export function inspectRun(root: string, outputFolder: string, runId: string): InspectedRun {
  const runDir = findRunDir(root, outputFolder, runId);
  const recorded = readRunMeta(runDir);
  const question = recorded?.question ?? listRuns(root, outputFolder).find((r) => r.runId === runId)?.question ?? '';
  return { runId, runDir, recorded, question };
}

export function startRun(options: StartRunOptions): RunHandle {
  const root = path.resolve(options.root);
  const outputFolder = options.outputFolder ?? DEFAULT_OUTPUT_FOLDER;
  const runId = options.runId ?? newRunId();
  const runDir = path.join(root, outputFolder, runId);
  const limits = options.limits ?? {};
  return new LiveRun(
    { runId, kind: 'start', question: options.question, root, concurrency: limits.concurrency ?? DEFAULT_LIMITS.concurrency, bus: options.bus, onReview: options.onReview },
    () => prepare(options, { runId, runDir, root }),
    (hooks) =>
      research({
        question: options.question,
        plan: options.plan,
        ...researchLimits(limits),
        runId,
        root,
        outputFolder,
        outFile: options.outFile,
        journal: options.journal,
        reportDepth: options.reportDepth,
        writeReport: options.writeReport,
        ...hooks,
      }),
  );
}

/**
 * Continues an interrupted, cancelled or failed run without redoing its finished tasks (see
 * resume.ts). A run that had completed, report and all, ends at once as `already-completed`.
 */
export function resumeRun(options: ResumeRunOptions): RunHandle {
  const root = path.resolve(options.root);
  const outputFolder = options.outputFolder ?? DEFAULT_OUTPUT_FOLDER;
  const inspected = options.inspected ?? inspectRun(root, outputFolder, options.runId);
  const limits = options.limits ?? {};
  return new LiveRun(
    {
      runId: options.runId,
      kind: 'resume',
      question: inspected.question,
      root,
      concurrency: limits.concurrency ?? inspected.recorded?.options.concurrency ?? DEFAULT_LIMITS.concurrency,
      bus: options.bus,
    },
    () => prepare(options, { runId: options.runId, runDir: inspected.runDir, root, recorded: inspected.recorded }),
    (hooks) =>
      resumeResearch({
        ...researchLimits(limits),
        runId: options.runId,
        root,
        outputFolder,
        outFile: options.outFile,
        onNotice: options.onNotice,
        followUp: options.followUp,
        ...hooks,
      }),
  );
}

/** A run's limits as research() and resumeResearch() take them (undefined: the run's own, or the default). */
function researchLimits(limits: RunLimits) {
  return {
    concurrency: limits.concurrency,
    taskTimeoutMs: limits.taskTimeoutMs,
    retry: limits.maxRetries !== undefined ? { maxRetries: limits.maxRetries } : undefined,
    maxTasks: limits.maxTasks,
  };
}

/** The transport first (a Redis that does not answer is said before anything else), then the provider. */
async function prepare(options: RunServiceOptions, context: ProviderContext): Promise<PreparedRun> {
  const transport = await options.openTransport?.();
  const provider = await options.createProvider(context);
  return { provider, transport };
}
