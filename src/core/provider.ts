import type { TaskExecutor } from './executor';
import type { Plan } from './plan';
import type { SecretRedactor } from './secret-redactor';
import type { TaskSnapshot } from './task';

/** Tokens and money a provider spent; `costUsd` is 0 when no prices are known. */
export interface UsageTotals {
  inputTokens: number;
  outputTokens: number;
  costUsd: number;
}

export interface PlanningContext {
  signal: AbortSignal;
  /** Upper bound on the number of tasks the plan may hold. */
  maxTasks: number;
  /** Tells the front ends what planning is doing (e.g. a retry after a 503), as `log` events. */
  log?(level: 'info' | 'warn', message: string): void;
}

/** What a replan is told about the run so far. */
export interface ReplanRequest {
  question: string;
  /** Every task of the current plan with its state (completed ones carry their results). */
  tasks: readonly TaskSnapshot[];
  /** Free text from the person, e.g. "also look at the tests"; may be empty. */
  instruction: string;
  /**
   * The instruction is a follow-up on a finished run, answered in a section of its own: the new round
   * weighs what it finds for the follow-up (the run's evidence is already in the report).
   */
  followUp?: boolean;
}

/**
 * Does the research work: decomposes a question into a plan and runs its tasks. The offline provider
 * needs no key and no network; model-backed providers implement the same interface.
 */
export interface ResearchProvider {
  readonly id: string;
  /** Human-readable, e.g. "offline (workspace files, extractive)". */
  readonly label: string;
  /**
   * What the provider was built from, as plain data without keys (e.g. base URL, models, search
   * backend): kept in run.json so that resuming the run can build the same provider again.
   */
  readonly settings?: Readonly<Record<string, unknown>>;
  /**
   * Removes the keys this provider was given from what a run records (journal, run.json, report,
   * events): a server may echo a key in a successful answer. Absent: the provider holds no key.
   */
  readonly redactor?: SecretRedactor;
  plan(question: string, context: PlanningContext): Promise<Plan>;
  /** Returns the new plan: tasks kept by id keep their results; new ids are added; missing ids are dropped. */
  replan(request: ReplanRequest, context: PlanningContext): Promise<Plan>;
  readonly execute: TaskExecutor;
  /**
   * Asked before each task starts (see DispatcherOptions.shouldStart): a reason not to start it, e.g.
   * "budget reached". Its dependents still run, so the report is written from what was found.
   */
  shouldStart?(task: TaskSnapshot): string | undefined;
  /**
   * Everything spent so far, planning and failed attempts included (TaskResult.usage only counts
   * completed tasks). The run's statistics report the difference over the run.
   */
  usage?(): UsageTotals;
  /**
   * An attempt on a worker (another process, another machine) spent this: counted as if spent here, so
   * the run's totals and its budget include work done elsewhere. `finished`: the task completed (its
   * usage then also informs the budget's estimate of the next task).
   */
  recordRemoteUsage?(usage: UsageTotals, finished: boolean): void;
  /** Releases what the provider holds (indexes, connections). */
  dispose?(): void;
}
