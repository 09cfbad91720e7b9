import { existsSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { errorMessage, UsageError } from '../errors';
import type { RunOutcome } from '../events';
import { RunLockedError, RunNotFoundError } from './errors';
import { runLockStatus, type LockHolder } from './lock';
import { loadJournal } from './reader';
import { JOURNAL_FILE } from './records';
import { replayJournal } from './replay';
import { reportPathInRunDir } from './report-path';
import { readRunMeta, type RunMeta } from './run-meta';
import { sumUsage, tokensOf } from '../usage';

/** Where a run stands. `interrupted`: it stopped without ending (crash, kill, reload) and nobody drives it. */
export type RunStatus = RunOutcome | 'interrupted' | 'running' | 'unknown';

/** One past (or current) run, as the history lists it. Plain data; no vscode. */
export interface RunInfo {
  runId: string;
  /** The run's folder: `<root>/<outputFolder>/<runId>`. */
  dir: string;
  question: string;
  /** Epoch milliseconds; undefined only for folders with nothing but a report. */
  startedAt?: number;
  endedAt?: number;
  status: RunStatus;
  reportPath?: string;
  /** The report file exists (an interrupted run has none until it is resumed or cancelled). */
  hasReport: boolean;
  tasks?: { total: number; completed: number; failed: number; cancelled: number };
  /** Tokens and cost, when the provider reported them (every round's, in total). */
  usage?: { inputTokens: number; outputTokens: number; costUsd: number };
  /** The follow-ups asked on the run, oldest first (each a round after the first). */
  followUps?: string[];
  providerId?: string;
  /** It has a journal and did not complete, and no live process drives it. */
  resumable: boolean;
  /** The process driving it, when `running`. */
  holder?: LockHolder;
  /** Why some facts are missing (e.g. a damaged journal). */
  note?: string;
}

const RUN_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,199}$/;

/** A run id is a plain folder name: nothing that could reach outside the output folder. */
export function assertRunId(runId: string): void {
  if (!RUN_ID.test(runId) || runId.includes('..')) {
    throw new UsageError(`"${runId}" is not a run id: run ids look like 20261125-004512-ab12 (npm run research -- --history lists them)`);
  }
}

/** Every run in `<root>/<outputFolder>`, newest first. A folder that cannot be read is listed as `unknown`. */
export function listRuns(root: string, outputFolder: string): RunInfo[] {
  const base = outputBase(root, outputFolder);
  let names: string[];
  try {
    names = readdirSync(base, { withFileTypes: true })
      .filter((entry) => entry.isDirectory() && RUN_ID.test(entry.name))
      .map((entry) => entry.name);
  } catch {
    return [];
  }
  const runs = names.map((name) => runInfo(path.join(base, name)));
  return runs.sort((a, b) => (b.startedAt ?? 0) - (a.startedAt ?? 0) || b.runId.localeCompare(a.runId));
}

/** What a run folder says about its run: run.json first, the journal when run.json is missing. */
export function runInfo(dir: string): RunInfo {
  const runId = path.basename(dir);
  const lock = safeLockStatus(dir);
  const hasJournal = existsSync(path.join(dir, JOURNAL_FILE));
  let meta: RunMeta | undefined;
  let metaProblem: string | undefined;
  try {
    meta = readRunMeta(dir);
  } catch (error) {
    // A run.json planted or damaged: listed from its journal, with the reason, and never acted on.
    metaProblem = errorMessage(error);
  }
  let info: RunInfo;
  if (meta) {
    const reportPath = reportPathInRunDir(meta, meta.root, dir);
    info = {
      runId,
      dir,
      question: meta.question,
      startedAt: meta.startedAt,
      endedAt: meta.endedAt,
      status: meta.status === 'ended' && meta.outcome ? meta.outcome : 'interrupted',
      reportPath,
      hasReport: existsSync(reportPath),
      tasks: meta.tasks,
      usage: meta.usage,
      ...(meta.followUps?.length ? { followUps: meta.followUps } : {}),
      providerId: meta.providerId,
      resumable: false,
    };
  } else if (hasJournal) {
    info = fromJournal(dir, runId);
  } else {
    info = fromReportOnly(dir, runId);
  }
  if (metaProblem) info.note = info.note ? `${metaProblem}; ${info.note}` : metaProblem;
  if (lock.state === 'held') {
    info.status = 'running';
    info.holder = lock.holder;
  }
  info.resumable = hasJournal && info.status !== 'running' && info.status !== 'completed' && info.status !== 'unknown';
  return info;
}

function safeLockStatus(dir: string): ReturnType<typeof runLockStatus> {
  try {
    return runLockStatus(dir);
  } catch {
    return { state: 'free' };
  }
}

function fromJournal(dir: string, runId: string): RunInfo {
  const reportPath = path.join(dir, 'report.md');
  try {
    const run = replayJournal(loadJournal(path.join(dir, JOURNAL_FILE)).records);
    const states = [...run.states.values()];
    const count = (state: string) => states.filter((s) => s === state).length;
    return {
      runId,
      dir,
      question: run.question,
      startedAt: run.startedAt,
      endedAt: run.ended?.at,
      status: run.ended ? run.ended.outcome : 'interrupted',
      reportPath,
      hasReport: existsSync(reportPath),
      tasks: { total: run.plan.tasks.length, completed: run.results.size, failed: count('FAILED'), cancelled: count('CANCELLED') },
      usage: spentAny(sumUsage(run.rounds.map((r) => r.usage))),
      ...(run.rounds.length > 1 ? { followUps: run.rounds.slice(1).map((r) => r.followUp ?? '') } : {}),
      resumable: false,
    };
  } catch (error) {
    return { ...fromReportOnly(dir, runId), note: (error as Error).message };
  }
}

/** A folder with only a report (e.g. written before runs were journalled): its title is the question. */
function fromReportOnly(dir: string, runId: string): RunInfo {
  const reportPath = path.join(dir, 'report.md');
  let question = '(unknown question)';
  let startedAt: number | undefined;
  try {
    const heading = /^# (.*)$/m.exec(readFileSync(reportPath, 'utf8').slice(0, 10_000));
    if (heading) question = heading[1]!.replace(/\\(.)/g, '$1');
    startedAt = statSync(reportPath).mtimeMs;
  } catch {
    // no report either
  }
  return { runId, dir, question, startedAt, status: 'unknown', reportPath, hasReport: startedAt !== undefined, resumable: false };
}

/**
 * The folder of run `runId`, or a RunNotFoundError naming the closest run ids (typos in a long id are
 * the usual cause).
 */
export function findRunDir(root: string, outputFolder: string, runId: string): string {
  assertRunId(runId);
  const base = outputBase(root, outputFolder);
  const dir = path.join(base, runId);
  if (existsSync(dir) && statSync(dir).isDirectory()) return dir;
  const ids = listRuns(root, outputFolder).map((run) => run.runId);
  throw new RunNotFoundError(runId, base, closest(runId, ids));
}

/** Deletes a run's folder (journal, report, everything). Refuses while a live process drives the run. */
export function deleteRun(root: string, outputFolder: string, runId: string): void {
  const dir = findRunDir(root, outputFolder, runId);
  const lock = runLockStatus(dir);
  if (lock.state === 'held') throw new RunLockedError(runId, lock.holder, lock.sameHost);
  rmSync(dir, { recursive: true, force: true });
}

function closest(target: string, ids: readonly string[], count = 3): string[] {
  return ids
    .map((id) => ({ id, distance: id.startsWith(target) ? 0 : editDistance(target, id) }))
    .filter((c) => c.distance <= Math.max(3, Math.floor(target.length / 2)))
    .sort((a, b) => a.distance - b.distance || b.id.localeCompare(a.id))
    .slice(0, count)
    .map((c) => c.id);
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[b.length]!;
}

/**
 * Runs that stopped without ending and that no live process drives, newest first — what to offer to
 * resume after a reload. `stillHeld` counts unfinished runs whose process still looks alive (right
 * after a reload, the old extension host may not have exited yet).
 */
export function interruptedRuns(root: string, outputFolder: string): { interrupted: RunInfo[]; stillHeld: number } {
  const runs = listRuns(root, outputFolder);
  return {
    interrupted: runs.filter((run) => run.status === 'interrupted' && run.resumable),
    stillHeld: runs.filter((run) => run.status === 'running').length,
  };
}

/** The folder holding the runs: joined under the root exactly as research() places reports and journals. */
function outputBase(root: string, outputFolder: string): string {
  return path.join(path.resolve(root), outputFolder);
}

function spentAny(usage: NonNullable<RunInfo['usage']>): RunInfo['usage'] {
  return tokensOf(usage) > 0 ? usage : undefined;
}
