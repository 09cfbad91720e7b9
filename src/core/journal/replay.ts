import type { RunOutcome } from '../events';
import type { TaskResult } from '../executor';
import type { Plan } from '../plan';
import type { RunStatistics } from '../stats';
import type { TaskState } from '../task-state';
import { JournalCorruptError } from './errors';
import type { JournalRecord } from './records';
import { addUsage, noUsage } from '../usage';

/** A run as its journal tells it: enough to list it in the history and to resume it. */
export interface ReplayedRun {
  runId: string;
  question: string;
  /** The plan as it stood last: the first run:start's, or the latest replan's. */
  plan: Plan;
  startedAt: number;
  /** Tasks that completed, with their results: a resume does not run them again. */
  results: Map<string, TaskResult>;
  /** The last state journalled for each task. */
  states: Map<string, TaskState>;
  /** Set when the last session ended normally; a resume after it clears it. */
  ended?: { outcome: RunOutcome; stats: RunStatistics; at: number };
  /** How many times the run was resumed. */
  resumes: number;
  /**
   * The run's rounds: the first, then one per follow-up, each with the tokens and cost its sessions
   * reported at their end (a plain resume continues its round; an interrupted session reports nothing).
   */
  rounds: Round[];
  /** Time of the last record. */
  lastAt: number;
}

export interface Round {
  /** The follow-up question; undefined for the first round. */
  followUp?: string;
  usage: { inputTokens: number; outputTokens: number; costUsd: number };
}

/**
 * Folds a journal's records into the run's state. A task counts as completed only once its result is
 * journalled: a process killed between "COMPLETED" and the result runs the task again rather than
 * continuing without its result.
 */
export function replayJournal(records: readonly JournalRecord[], file = 'journal'): ReplayedRun {
  const first = records[0];
  if (!first || first.type !== 'run:start') {
    throw new JournalCorruptError(file, 1, first ? `it starts with a ${first.type} record instead of the run's plan` : 'it holds no record');
  }
  const run: ReplayedRun = {
    runId: first.runId,
    question: first.question,
    plan: first.plan,
    startedAt: first.at,
    results: new Map(),
    states: new Map(first.plan.tasks.map((t) => [t.id, 'PENDING' as TaskState])),
    resumes: 0,
    rounds: [{ usage: noUsage() }],
    lastAt: first.at,
  };
  for (const record of records) {
    run.lastAt = Math.max(run.lastAt, record.at);
    switch (record.type) {
      case 'run:start':
        // A resumed session announces the plan again; completed work stays completed.
        run.plan = record.plan;
        run.question = record.question;
        for (const task of record.plan.tasks) if (!run.states.has(task.id)) run.states.set(task.id, 'PENDING');
        break;
      case 'run:replan':
        run.plan = record.plan;
        run.question = record.plan.question;
        for (const task of record.plan.tasks) if (!run.states.has(task.id)) run.states.set(task.id, 'PENDING');
        break;
      case 'task:state':
        run.states.set(record.taskId, record.to);
        break;
      case 'task:result':
        run.results.set(record.taskId, record.result);
        run.states.set(record.taskId, 'COMPLETED');
        break;
      case 'run:end':
        run.ended = { outcome: record.outcome, stats: record.stats, at: record.at };
        const round = run.rounds[run.rounds.length - 1]!;
        round.usage = addUsage(round.usage, record.stats.usage);
        break;
      case 'resume':
        run.resumes++;
        run.ended = undefined;
        if (record.followUp !== undefined) run.rounds.push({ followUp: record.followUp, usage: noUsage() });
        break;
      default:
        break;
    }
  }
  // Only results of tasks in the plan can be restored (a replan keeps completed tasks in the plan).
  const planned = new Set(run.plan.tasks.map((t) => t.id));
  for (const id of [...run.results.keys()]) if (!planned.has(id)) run.results.delete(id);
  return run;
}
