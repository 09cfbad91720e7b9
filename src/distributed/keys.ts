import type { TaskKind } from '../core/plan';

/**
 * Names of everything this project keeps in Redis, in one place. BullMQ's own keys live under the
 * same prefix (`research:tasks:<kind>:…`), so one Redis can serve other applications beside it.
 */
export const KEY_PREFIX = 'research';

/** One queue per capability (seed 002's capability matching): a worker listens to the kinds it can run. */
export function queueName(kind: TaskKind): string {
  return `tasks-${kind}`;
}

/**
 * BullMQ job ids may not contain ':'. The id names the run's session, the task and the attempt, so
 * one attempt is one job however often it is delivered, and a resumed run (a new session) never
 * meets the jobs of the one before.
 */
export function jobIdFor(runKey: string, taskId: string, attempt: number): string {
  return `${runKey}|${encodeURIComponent(taskId)}|${attempt}`;
}

export const redisKeys = {
  /** The recorded outcome of one attempt: written once (SET NX), so a task delivered twice is recorded once. */
  outcome: (jobId: string) => `${KEY_PREFIX}:outcome:${jobId}`,
  /**
   * Set when an attempt is cancelled, so a worker that picks its job up later does not start it. A
   * cancelled run cancels each of its tasks, so this covers runs too.
   */
  cancelled: (jobId: string) => `${KEY_PREFIX}:cancelled:${jobId}`,
  /** Every delivery of a job to a worker, in order (an audit trail: who ran what, how often). */
  deliveries: (runKey: string) => `${KEY_PREFIX}:deliveries:${runKey}`,
  /** Pub/sub channel: cancel messages from dispatchers to workers. */
  cancelChannel: `${KEY_PREFIX}:cancel`,
  /** The ids of registered workers. */
  workers: `${KEY_PREFIX}:workers`,
  /** One worker's registration and heartbeat (JSON), expiring when its heartbeats stop. */
  worker: (workerId: string) => `${KEY_PREFIX}:worker:${workerId}`,
  /** Shared per-endpoint rate limits (see shared-endpoint-limits.ts). */
  endpoint: (name: string) => `${KEY_PREFIX}:endpoint:${name}`,
};

/** How long outcomes, cancel marks and delivery logs stay in Redis: long enough for any run to collect them. */
export const RECORD_TTL_SECONDS = 7 * 24 * 3600;
