import type { EventBus, RunOutcome } from '../events';
import type { RunViewModel } from '../run-view-model';
import type { RunStatistics } from '../stats';
import type { TaskSnapshot } from '../task';
import type { PlanReview } from './plan-review';

/** How a run ended, as every front end needs it. "Already completed" is an answer, not an error. */
export type RunDone =
  | {
      kind: 'finished';
      runId: string;
      outcome: RunOutcome;
      /** Where the report really is (the path asked for, or where it went when that could not be written). */
      reportPath: string;
      /** The report's Markdown, read back once it was written; undefined when it could not be read. */
      reportMarkdown: string | undefined;
      stats: RunStatistics;
      tasks: TaskSnapshot[];
    }
  | {
      /** The plan under review was discarded (or the run cancelled during the review): nothing ran. */
      kind: 'discarded';
      runId: string;
    }
  | {
      /** A resume of a run whose tasks had all completed and whose report exists: nothing ran. */
      kind: 'already-completed';
      runId: string;
      reportPath: string;
    };

export interface ReplanOutcome {
  added: string[];
  dropped: string[];
  kept: string[];
}

/**
 * One run, started or resumed, from the moment it is asked for: preparing its provider, planning,
 * running, ended. Every front end (the CLI, VS Code, workers' front ends, a chat, an MCP client) holds
 * one of these and nothing else: it watches `view` (or `bus`), steers with the methods, and awaits
 * `done`. Gestures that need tasks (cancel or retry one, replan) say clearly when there are none yet.
 */
export interface RunHandle {
  readonly runId: string;
  readonly kind: 'start' | 'resume';
  /** Every event of the run, redacted of the provider's keys. */
  readonly bus: EventBus;
  /** The run's picture, kept from the bus; what the views and the progress bar draw. */
  readonly view: RunViewModel;
  /** True once the provider is built and the run is planning or resuming (false while preparing). */
  readonly started: boolean;
  /** True once `done` has settled. */
  readonly ended: boolean;
  /** True once `cancel` was called (a run cancelled while planning ends with no report). */
  readonly cancelRequested: boolean;
  /** The plan under review, while it waits for the person (research.reviewPlan, --review); else undefined. */
  readonly review: PlanReview | undefined;
  /** Cancels the run: in-flight tasks are aborted and the partial report is written. */
  cancel(): void;
  /** Cancels one task and what depends on it; returns the ids cancelled. */
  cancelTask(taskId: string): string[];
  /** Queues a failed or cancelled task again, with the dependents cancelled because of it. */
  retryTask(taskId: string): string[];
  /** Asks the provider for a new plan with this instruction, within the run's own limits; finished work is kept. */
  replan(instruction: string): Promise<ReplanOutcome>;
  /** Applies at once when the run is going, or when its tasks start if it is still planning. */
  setConcurrency(concurrency: number): void;
  /** For attempts that start from now on. */
  setTaskTimeout(ms: number): void;
  /** The dispatcher's full picture of a task (inputs, result, findings); undefined before planning ends. */
  task(taskId: string): TaskSnapshot | undefined;
  /** The snapshots of a task's dependencies, for "Inputs". */
  inputsOf(taskId: string): TaskSnapshot[];
  /** Text without the run's keys (an error message may carry one a server echoed). */
  redact(text: string): string;
  /** Settles when the run is over: resolves with how it ended, rejects when it could not run at all. */
  readonly done: Promise<RunDone>;
}
