import type { TaskKind } from '../core/plan';
import type { JobData } from './job';

/** What a worker accepts, beyond the queues it listens to (seed 003's policy enforcement). */
export interface WorkerPolicy {
  capabilities: readonly TaskKind[];
  /** The folder's name this worker researches: tasks over another folder are refused. */
  workspace: string;
  /** Providers this worker may run tasks for (default: offline and openai). */
  providers: readonly string[];
  /** Jobs queued longer ago than this are refused: the dispatcher has long since timed them out. */
  maxQueuedMs?: number;
}

/** What the policy sees of the world when a job arrives. */
export interface PolicyFacts {
  now: number;
  /** The attempt or its run was cancelled before the job reached this worker. */
  cancelled?: string;
}

/**
 * The last check before a worker starts a task. A string is the reason the task is refused: it fails
 * with that reason (not retried: another attempt would meet the same policy) and the run goes on.
 */
export function policyViolation(job: JobData, policy: WorkerPolicy, facts: PolicyFacts): string | undefined {
  if (facts.cancelled !== undefined) return `cancelled before it started (${facts.cancelled})`;
  if (!policy.capabilities.includes(job.task.kind)) {
    return `this worker does not run "${job.task.kind}" tasks (it runs ${policy.capabilities.join(', ')})`;
  }
  if (!policy.providers.includes(job.provider.id)) {
    return `this worker does not run tasks for the "${job.provider.id}" provider (it allows ${policy.providers.join(', ')}; start it with --providers ${job.provider.id} to allow it)`;
  }
  if (job.workspace.name !== policy.workspace) {
    return `the task researches the folder "${job.workspace.name}" but this worker serves "${policy.workspace}": start a worker with --dir pointing at a copy of "${job.workspace.name}"`;
  }
  if (policy.maxQueuedMs !== undefined && facts.now - job.enqueuedAt > policy.maxQueuedMs) {
    return `it waited ${Math.round((facts.now - job.enqueuedAt) / 1000)} s in the queue, longer than this worker accepts (${Math.round(policy.maxQueuedMs / 1000)} s)`;
  }
  return undefined;
}
