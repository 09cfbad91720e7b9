import type { RunOutcome } from './events';
import type { TaskKind } from './plan';
import type { RunStatistics } from './stats';
import type { TaskState } from './task-state';

/**
 * What the front ends (task tree, progress webview, status bar) show of one run: a plain,
 * JSON-serializable picture kept up to date from the dispatcher's events. One model feeds every view,
 * so they never disagree, and the webview can be sent it as it is.
 *
 * Contract between the extension's run session (which builds it) and the webview (which draws it).
 */
export interface RunViewSnapshot {
  /** Bumped on every change; views skip work when it hasn't moved. */
  version: number;
  runId: string;
  question: string;
  /** Workspace-relative or absolute folder the run reads, for display. */
  root: string;
  providerLabel: string;
  /** `reviewing`: the plan waits for the person's review (its tasks are PLANNED); nothing runs yet. */
  status: 'planning' | 'reviewing' | 'running' | 'replanning' | 'cancelling' | 'ended';
  outcome?: RunOutcome;
  /** Epoch ms. */
  startedAt: number;
  endedAt?: number;
  concurrency: number;
  /** Tasks in plan order (replans append new ones; dropped ones stay, CANCELLED). */
  tasks: TaskView[];
  counts: Record<TaskState, number>;
  retries: number;
  /** Totals of the tasks' reported usage. */
  usage: { inputTokens: number; outputTokens: number; costUsd: number };
  /** Set at the end. */
  stats?: RunStatistics;
  /** Absolute path of report.md once written. */
  reportPath?: string;
  /** The report's Markdown once written (the webview renders it, sanitized). */
  reportMarkdown?: string;
  /** Last few log lines worth showing (warnings, errors, replans). */
  notices: { level: 'info' | 'warn' | 'error'; message: string; at: number }[];
}

export interface TaskView {
  id: string;
  kind: TaskKind;
  description: string;
  dependsOn: string[];
  parent?: string;
  /** A search's query and the facet it covers, as the plan says (shown when the plan is reviewed). */
  query?: string;
  facet?: string;
  state: TaskState;
  attempts: number;
  retries: number;
  /** Why it failed or was cancelled. */
  reason?: string;
  /** Last retryable error while RETRYING. */
  lastError?: string;
  /** The result's one-line summary once completed. */
  summary?: string;
  progress?: { message: string; fraction?: number };
  /** Epoch ms of the first attempt's start and of the end; attempts for the timeline. */
  startedAt?: number;
  endedAt?: number;
  spans: { start: number; end?: number; state: TaskState }[];
}
