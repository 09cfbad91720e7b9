import { truncateSync, appendFileSync, existsSync } from 'node:fs';
import * as path from 'node:path';
import { UsageError } from './errors';
import { NothingToResumeError } from './journal/errors';
import { findRunDir } from './journal/history';
import { acquireRunLock } from './journal/lock';
import { loadJournal } from './journal/reader';
import { JOURNAL_FILE } from './journal/records';
import { replayJournal } from './journal/replay';
import { reportPathInRunDir, RUN_FILES } from './journal/report-path';
import { assertSafeRunDir } from './journal/run-files';
import { readRunMeta, RUN_META_VERSION, type RunMeta } from './journal/run-meta';
import { RunSession } from './journal/session';
import type { TaskResult } from './executor';
import { followUpPlan, plannedSnapshots } from './follow-up';
import { DEFAULT_MAX_TASKS, type Plan } from './plan';
import { validateQuestion } from './question';
import { reportDepthOf, withReportDepth } from './report-depth';
import { DEFAULT_OUTPUT_FOLDER, research, type ResearchOptions, type ResearchResult } from './research';
import { noUsage } from './usage';

export interface ResumeOptions extends Omit<ResearchOptions, 'question' | 'plan' | 'runId' | 'outFile' | 'journal' | 'resume'> {
  runId: string;
  /**
   * Where to write the report, typed again on this command line. Without it the report goes where the
   * run wrote it, if that is inside the run's own folder, else to `<run folder>/report.md`.
   */
  outFile?: string;
  /** Said once, e.g. that a stale lock was taken over or a torn last line cut off. */
  onNotice?: (message: string) => void;
  /**
   * A follow-up question on the run ("also compare with the tests"): the planner adds a round of tasks
   * for it (follow-up.ts), every completed task and its evidence is kept, only the new work (and any
   * unfinished work) runs, and the report is written again with a section for the follow-up.
   */
  followUp?: string;
}

/** The run ended with every task completed: there is nothing to resume. The report is at `reportPath`. */
export class RunAlreadyCompletedError extends UsageError {
  constructor(
    readonly runId: string,
    readonly reportPath: string,
  ) {
    super(`run ${runId} already completed; its report is ${reportPath}`);
    this.name = 'RunAlreadyCompletedError';
  }
}

/**
 * Continues an interrupted run from its journal without redoing finished work:
 * - tasks whose result is journalled are restored as completed and never run again;
 * - tasks that were running, retrying, ready or waiting when the run stopped run (again);
 * - tasks that had failed or were cancelled run again too: resuming is asking for the run to finish;
 * - the plan is the latest one (after any replan); the question is the run's own.
 * The resumed session appends to the same journal (after a `resume` record). The run folder's files are
 * untrusted (they come with the folder researched): they are checked by schema, links and FIFOs are
 * refused, and nothing in run.json decides where text goes (the caller's provider does) or where the
 * report is written outside the run's folder. Limits not given here are the run's own (from run.json,
 * range-checked), then the defaults.
 * A run that ended cancelled, partial or failed can be resumed the same way; a completed one cannot,
 * unless its report is missing: then the report is written again, without running any task.
 */
export async function resumeResearch(options: ResumeOptions): Promise<ResearchResult> {
  const root = path.resolve(options.root);
  const outputFolder = options.outputFolder ?? DEFAULT_OUTPUT_FOLDER;
  const runDir = findRunDir(root, outputFolder, options.runId);
  assertSafeRunDir(root, outputFolder, runDir, RUN_FILES);
  const notice = options.onNotice ?? (() => undefined);
  const journalFile = path.join(runDir, JOURNAL_FILE);
  if (!existsSync(journalFile)) {
    throw new NothingToResumeError(options.runId, 'it has no journal (it was run before runs were journalled, or stopped before its plan was known); start it again');
  }

  const lock = acquireRunLock(runDir, options.runId, notice);
  let session: RunSession | undefined;
  try {
    const journal = loadJournal(journalFile);
    if (journal.records.length === 0) {
      throw new NothingToResumeError(options.runId, 'it stopped before its plan was written; start it again');
    }
    const run = replayJournal(journal.records, journalFile);
    const stored = readRunMeta(runDir);
    const reportPath = options.outFile !== undefined ? path.resolve(options.outFile) : reportPathInRunDir(stored, root, runDir, notice);
    // A completed run whose report is gone (never written, or deleted) goes on below: every task is
    // restored, none runs again, and the report is written anew from the journalled results.
    if (options.followUp !== undefined && options.followUp.trim() === '') throw new UsageError('the follow-up is empty: say what else you want to find out');
    const followUp = options.followUp === undefined ? undefined : validateQuestion(options.followUp);
    if (followUp === undefined && run.ended?.outcome === 'completed' && run.results.size === run.plan.tasks.length && existsSync(reportPath)) {
      throw new RunAlreadyCompletedError(options.runId, reportPath);
    }

    // Appending after a torn line would bury it mid-file, where the reader refuses damage: cut it off.
    if (journal.torn || !journal.endsWithNewline) {
      truncateSync(journalFile, journal.validBytes);
      if (!journal.endsWithNewline) appendFileSync(journalFile, '\n');
      if (journal.torn) notice(`the journal of run ${options.runId} ended in a line cut off by the interruption (${journal.torn.bytes} bytes); it was removed`);
    }
    const meta: RunMeta = stored ?? {
      version: RUN_META_VERSION,
      runId: options.runId,
      question: run.question,
      root,
      reportPath,
      providerId: options.provider.id,
      providerLabel: options.provider.label,
      startedAt: run.startedAt,
      options: {},
      status: 'running',
    };
    const completed = new Map(run.results);
    const settings = meta.options;
    const maxTasks = Math.max(options.maxTasks ?? settings.maxTasks ?? DEFAULT_MAX_TASKS, run.plan.tasks.length);
    // Planned before the session opens, so a planner that fails leaves the run as it was; its tokens count in the round.
    const usageSince = options.provider.usage?.();
    const plan = followUp === undefined ? run.plan : await planFollowUp(options, run.plan, completed, followUp, maxTasks);
    const total = plan.tasks.length;
    notice(
      followUp === undefined
        ? `resuming run ${options.runId}: ${completed.size} of ${total} tasks already done, ${total - completed.size} to run`
        : `follow-up on run ${options.runId}: ${completed.size} tasks kept with their evidence, ${total - completed.size} to run`,
    );
    session = RunSession.resume(runDir, { ...meta, root, reportPath }, lock, new Set(completed.keys()), journal.torn?.bytes, options.provider.redactor, followUp);
    return await research({
      ...options,
      root,
      outputFolder,
      question: run.question,
      plan,
      runId: options.runId,
      outFile: reportPath,
      concurrency: options.concurrency ?? settings.concurrency,
      taskTimeoutMs: options.taskTimeoutMs ?? settings.taskTimeoutMs,
      retry: { ...(settings.maxRetries !== undefined ? { maxRetries: settings.maxRetries } : {}), ...options.retry },
      maxTasks: Math.max(maxTasks, plan.tasks.length),
      usageSince,
      resume: { session, completed, rounds: followUp === undefined ? run.rounds : [...run.rounds, { followUp, usage: noUsage() }] },
    });
  } catch (error) {
    if (session) session.close();
    else lock.release();
    throw error;
  }
}

/** The follow-up's round, as the run's planner proposes it, at the depth the run was written to. */
async function planFollowUp(options: ResumeOptions, plan: Plan, completed: ReadonlyMap<string, TaskResult>, followUp: string, maxTasks: number): Promise<Plan> {
  const tasks = plannedSnapshots(plan, completed);
  const signal = options.signal ?? new AbortController().signal;
  const proposed = await options.provider.replan({ question: plan.question, tasks, instruction: followUp, followUp: true }, { signal, maxTasks });
  return withReportDepth(followUpPlan(plan, proposed, followUp, maxTasks), reportDepthOf(tasks));
}
