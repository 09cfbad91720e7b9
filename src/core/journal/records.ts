import type { RunOutcome } from '../events';
import type { TaskResult } from '../executor';
import type { Plan } from '../plan';
import type { RunStatistics } from '../stats';
import type { TaskState } from '../task-state';

/**
 * The journal of a run: one JSON object per line in `.research/<run-id>/journal.jsonl`, appended as
 * the run goes. Every record carries the format version `v`, so a reader can refuse a journal written
 * by a newer version instead of misreading it. Records hold plans, states and results — never the
 * options a run was started with (they could hold keys) and never high-rate progress messages.
 */
export const JOURNAL_VERSION = 1;

export const JOURNAL_FILE = 'journal.jsonl';

interface Base {
  v: number;
  /** Epoch milliseconds. */
  at: number;
}

export interface RunStartRecord extends Base {
  type: 'run:start';
  runId: string;
  question: string;
  plan: Plan;
}
export interface TaskStateRecord extends Base {
  type: 'task:state';
  taskId: string;
  from: TaskState;
  to: TaskState;
  reason?: string;
  attempt: number;
}
export interface TaskRetryRecord extends Base {
  type: 'task:retry';
  taskId: string;
  attempt: number;
  delayMs: number;
  error: string;
}
export interface TaskResultRecord extends Base {
  type: 'task:result';
  taskId: string;
  result: TaskResult;
}
/** A replan, with the whole plan after it (the event names only what changed). */
export interface ReplanRecord extends Base {
  type: 'run:replan';
  added: string[];
  dropped: string[];
  kept: string[];
  plan: Plan;
}
export interface ConcurrencyRecord extends Base {
  type: 'run:concurrency';
  concurrency: number;
}
export interface LogRecord extends Base {
  type: 'log';
  level: 'warn' | 'error';
  message: string;
}
export interface RunEndRecord extends Base {
  type: 'run:end';
  outcome: RunOutcome;
  stats: RunStatistics;
}
/** Another process took the run up again; `restored` are the tasks it did not run again. */
export interface ResumeRecord extends Base {
  type: 'resume';
  pid: number;
  restored: string[];
  /** Set when the journal ended in a torn line that was cut off before appending. */
  tornBytes?: number;
  /** Set when this session is a follow-up round: the person's follow-up question. */
  followUp?: string;
}

export type JournalRecord =
  | RunStartRecord
  | TaskStateRecord
  | TaskRetryRecord
  | TaskResultRecord
  | ReplanRecord
  | ConcurrencyRecord
  | LogRecord
  | RunEndRecord
  | ResumeRecord;

export type JournalRecordType = JournalRecord['type'];

export const RECORD_TYPES: readonly JournalRecordType[] = [
  'run:start',
  'task:state',
  'task:retry',
  'task:result',
  'run:replan',
  'run:concurrency',
  'log',
  'run:end',
  'resume',
];
