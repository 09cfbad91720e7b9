import * as path from 'node:path';
import { Queue, QueueEvents } from 'bullmq';
import type { Redis } from 'ioredis';
import { errorMessage, formatSeconds, PermanentError, RetryableError, UsageError } from '../core/errors';
import type { OpenTransport, TaskContext, TaskResult, TaskTransport, TransportRequest } from '../core/executor';
import type { TaskKind, TaskSpec } from '../core/plan';
import { openConnection } from './connection';
import { JOB_VERSION, jobInputs, outcomeSchema, progressSchema, type JobData, type Outcome } from './job';
import { jobIdFor, KEY_PREFIX, queueName, RECORD_TTL_SECONDS, redisKeys } from './keys';
import { listWorkers } from './registry';
import { fromErrorShape } from './remote-error';
import type { RedisTarget } from './redis-url';

export interface RedisTransportOptions {
  /** How long Redis may stay unreachable mid-run before the waiting tasks fail (default 30 s). */
  graceMs?: number;
  /** How often jobs in flight are checked against Redis (lost jobs, missed events; default 1 s). */
  checkEveryMs?: number;
  /** How long a job may wait with no live worker able to take it before the run says so (default 5 s). */
  noWorkerWarningMs?: number;
}

/**
 * Tasks run on workers (`npm run worker`) through BullMQ queues on Redis; the dispatcher keeps the
 * graph and the journal. Call checkRedisReachable first, so a wrong URL fails before planning.
 */
export function redisTransport(target: RedisTarget, options: RedisTransportOptions = {}): OpenTransport {
  return async (request) => {
    if (request.provider.id === 'vscode-lm') {
      throw new UsageError("VS Code's language models can only be reached from inside VS Code, not from workers: choose the offline or openai provider, or clear research.redis.url to run in this window");
    }
    return new RedisTaskTransport(target, request, options);
  };
}

/** One attempt of one task, waiting for its outcome. */
interface PendingJob {
  jobId: string;
  kind: TaskKind;
  data: JobData;
  context: TaskContext;
  resolve(result: TaskResult): void;
  reject(error: unknown): void;
  detach(): void;
  enqueuedAt: number;
  /** When the watchdog last asked BullMQ for the job's state. */
  checkedAt: number;
}

/**
 * The dispatcher's side of a run on workers. Each attempt is one BullMQ job whose id names the run's
 * session, the task and the attempt; its outcome is read from the record the worker wrote once
 * (SET NX), so a job delivered twice is still settled once. Results come back through BullMQ's queue
 * events; a watchdog covers what events cannot: an event missed during a reconnect, a job lost with a
 * Redis that restarted empty (queued again), no live worker for a kind (said once), and a Redis that
 * stays away past the grace period (the waiting tasks fail with a clear reason, the report is written).
 */
class RedisTaskTransport implements TaskTransport {
  /** Keys jobs, outcomes and cancel marks to this dispatcher's session: a resumed run starts a new one. */
  private readonly runKey: string;
  private readonly redis: Redis;
  private readonly queues = new Map<TaskKind, Queue>();
  private readonly events = new Map<TaskKind, QueueEvents>();
  /** Connections handed to BullMQ, which leaves a connection it was given open when it closes. */
  private readonly connections: Redis[] = [];
  private readonly pending = new Map<string, PendingJob>();
  private readonly watchdog: NodeJS.Timeout;
  private readonly graceMs: number;
  private readonly noWorkerWarningMs: number;
  private readonly warnedKinds = new Set<TaskKind>();
  private downSince?: number;
  private broken?: Error;
  private closed = false;

  constructor(
    private readonly target: RedisTarget,
    private readonly request: TransportRequest,
    options: RedisTransportOptions,
  ) {
    this.runKey = `${request.runId}~${Math.random().toString(36).slice(2, 8)}`;
    this.graceMs = options.graceMs ?? 30_000;
    this.noWorkerWarningMs = options.noWorkerWarningMs ?? 5000;
    this.redis = openConnection(target, `research-dispatcher:${request.runId}`, (message) => request.log('warn', message));
    const checkEveryMs = options.checkEveryMs ?? 1000;
    this.watchdog = setInterval(() => void this.check(checkEveryMs).catch((error) => request.log('warn', `checking jobs on Redis: ${errorMessage(error)}`)), checkEveryMs);
  }

  readonly execute = (task: TaskSpec, context: TaskContext): Promise<TaskResult> => {
    if (this.broken) return Promise.reject(this.broken);
    const jobId = jobIdFor(this.runKey, task.id, context.attempt);
    const data: JobData = {
      v: JOB_VERSION,
      runId: this.request.runId,
      runKey: this.runKey,
      task,
      attempt: context.attempt,
      question: context.question,
      inputs: jobInputs(context.inputs),
      provider: { id: this.request.provider.id, ...(this.request.provider.settings && { settings: { ...this.request.provider.settings } }) },
      workspace: { name: path.basename(path.resolve(this.request.root)) },
      enqueuedAt: Date.now(),
    };
    return new Promise<TaskResult>((resolve, reject) => {
      const onAbort = () => this.cancel(pending, context.signal.reason);
      const pending: PendingJob = {
        jobId,
        kind: task.kind,
        data,
        context,
        resolve,
        reject,
        detach: () => context.signal.removeEventListener('abort', onAbort),
        enqueuedAt: data.enqueuedAt,
        checkedAt: data.enqueuedAt,
      };
      if (context.signal.aborted) return reject(context.signal.reason);
      this.pending.set(jobId, pending);
      context.signal.addEventListener('abort', onAbort, { once: true });
      this.enqueue(pending).catch((error) => this.settle(pending, { error: new RetryableError(`could not queue the task on Redis: ${errorMessage(error)}`) }));
    });
  };

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.watchdog);
    for (const pending of [...this.pending.values()]) this.settle(pending, { error: new PermanentError('the run ended') });
    // BullMQ's close waits for Redis; a Redis that is gone must not keep the run from ending.
    const closing = Promise.allSettled([...this.events.values(), ...this.queues.values()].map((q) => q.close()));
    await Promise.race([closing, new Promise((resolve) => setTimeout(resolve, 1000).unref())]);
    for (const connection of [this.redis, ...this.connections]) connection.disconnect();
  }

  // ---------------------------------------------------------------- queues and events

  private async enqueue(pending: PendingJob): Promise<void> {
    const queue = this.queueFor(pending.kind);
    await queue.add(pending.kind, pending.data, {
      jobId: pending.jobId,
      // Retries are the dispatcher's (one job per attempt); stalled-job recovery is BullMQ's.
      attempts: 1,
      removeOnComplete: { age: 3600, count: 10_000 },
      removeOnFail: { age: 24 * 3600 },
    });
  }

  private queueFor(kind: TaskKind): Queue {
    let queue = this.queues.get(kind);
    if (queue) return queue;
    queue = new Queue(queueName(kind), { connection: this.redis, prefix: KEY_PREFIX });
    queue.on('error', () => undefined); // the shared connection reports problems once (connection.ts)
    this.queues.set(kind, queue);
    this.listen(kind);
    return queue;
  }

  private listen(kind: TaskKind): void {
    const connection = openConnection(this.target, `research-events:${this.request.runId}`);
    this.connections.push(connection);
    const events = new QueueEvents(queueName(kind), {
      connection,
      prefix: KEY_PREFIX,
    });
    events.on('error', () => undefined);
    events.on('completed', ({ jobId }) => {
      const pending = this.pending.get(jobId);
      if (pending) void this.collect(pending);
    });
    events.on('failed', ({ jobId, failedReason }) => {
      const pending = this.pending.get(jobId);
      if (pending) this.settle(pending, { error: new RetryableError(`the worker lost the task: ${failedReason}`) });
    });
    events.on('progress', ({ jobId, data }) => {
      const pending = this.pending.get(jobId);
      const progress = progressSchema.safeParse(data);
      if (pending && progress.success) pending.context.progress(progress.data.message, progress.data.fraction);
    });
    this.events.set(kind, events);
  }

  /** Reads the attempt's recorded outcome; false when there is none yet. */
  private async collect(pending: PendingJob): Promise<boolean> {
    const raw = await this.redis.get(redisKeys.outcome(pending.jobId));
    if (raw === null) return false;
    this.settleWith(pending, raw);
    return true;
  }

  private settleWith(pending: PendingJob, raw: string): void {
    let outcome: Outcome;
    try {
      outcome = outcomeSchema.parse(JSON.parse(raw));
    } catch (error) {
      this.settle(pending, { error: new PermanentError(`a worker recorded an outcome this dispatcher cannot read: ${errorMessage(error)}`) });
      return;
    }
    if (outcome.ok) this.settle(pending, { result: outcome.result as TaskResult });
    else this.settle(pending, { error: fromErrorShape(outcome.error) });
  }

  private settle(pending: PendingJob, outcome: { result: TaskResult } | { error: unknown }): void {
    if (this.pending.get(pending.jobId) !== pending) return; // settled already: the first outcome wins
    this.pending.delete(pending.jobId);
    pending.detach();
    if ('result' in outcome) pending.resolve(outcome.result);
    else pending.reject(outcome.error);
  }

  // ---------------------------------------------------------------- cancel

  /**
   * The dispatcher gave up on this attempt (task or run cancelled, timeout, replan). A job still in
   * its queue is removed; one a worker holds is aborted there through the cancel channel; the mark
   * stops a worker that picks the job up a moment later from starting it.
   */
  private cancel(pending: PendingJob, reason: unknown): void {
    this.settle(pending, { error: reason });
    const message = errorMessage(reason);
    const { jobId } = pending;
    void (async () => {
      await this.redis
        .multi()
        .set(redisKeys.cancelled(jobId), message, 'EX', RECORD_TTL_SECONDS)
        .publish(redisKeys.cancelChannel, JSON.stringify({ jobId, reason: message }))
        .exec();
      await this.queueFor(pending.kind).remove(jobId); // 0 when a worker holds it: the message above reaches that worker
    })().catch((error) => this.request.log('warn', `could not pass the cancel of "${pending.data.task.id}" to the workers: ${errorMessage(error)}`));
  }

  // ---------------------------------------------------------------- watchdog

  private async check(everyMs: number): Promise<void> {
    if (this.closed || this.pending.size === 0) return;
    const now = Date.now();
    if (this.redis.status !== 'ready') {
      this.downSince ??= now;
      if (now - this.downSince >= this.graceMs) this.giveUp(now - this.downSince);
      return;
    }
    if (this.downSince !== undefined) this.request.log('info', `Redis at ${this.target.display} is back after ${formatSeconds(now - this.downSince)}`);
    this.downSince = undefined;

    const due = [...this.pending.values()].filter((p) => now - p.checkedAt >= everyMs);
    if (due.length === 0) return;
    const outcomes = await this.redis.mget(due.map((p) => redisKeys.outcome(p.jobId)));
    const waiting: PendingJob[] = [];
    for (const [i, pending] of due.entries()) {
      pending.checkedAt = now;
      const raw = outcomes[i];
      if (raw !== null && raw !== undefined) this.settleWith(pending, raw);
      else waiting.push(pending);
    }
    const states = await Promise.all(waiting.map((p) => this.queueFor(p.kind).getJobState(p.jobId)));
    const queuedKinds = new Set<TaskKind>();
    for (const [i, pending] of waiting.entries()) {
      if (this.pending.get(pending.jobId) !== pending) continue;
      const state = states[i];
      if (state === 'unknown') {
        // Not in Redis and no outcome: Redis restarted without its data, or someone removed the job.
        this.request.log('warn', `task "${pending.data.task.id}" was lost from Redis (restarted without persistence?); queued again`);
        await this.enqueue(pending);
      } else if (state === 'failed') {
        this.settle(pending, { error: new RetryableError('the worker lost the task (BullMQ marked its job failed)') });
      } else if (state === 'waiting' || state === 'prioritized' || state === 'delayed') {
        if (now - pending.enqueuedAt >= this.noWorkerWarningMs) queuedKinds.add(pending.kind);
      }
    }
    if (queuedKinds.size > 0) await this.warnIfNoWorker(queuedKinds);
  }

  /** Says once per kind when tasks wait and no live worker takes that kind. */
  private async warnIfNoWorker(kinds: Set<TaskKind>): Promise<void> {
    const workers = (await listWorkers(this.redis)).filter((w) => !w.silent && w.state !== 'stopped');
    for (const kind of kinds) {
      if (this.warnedKinds.has(kind) || workers.some((w) => w.capabilities.includes(kind))) continue;
      this.warnedKinds.add(kind);
      this.request.log(
        'warn',
        `"${kind}" tasks are waiting and no worker on ${this.target.display} takes them: start one with \`npm run worker -- --redis ${this.target.display} --capabilities ${kind}\``,
      );
    }
  }

  /** Redis stayed away past the grace period: fail what waits, clearly, so the run ends and its report is written. */
  private giveUp(downMs: number): void {
    this.broken = new PermanentError(
      `Redis at ${this.target.display} has been unreachable for ${formatSeconds(downMs)}, so the task's result cannot come back; start Redis again and resume the run (npm run research -- --resume ${this.request.runId} --redis …)`,
    );
    this.request.log('error', this.broken.message);
    for (const pending of [...this.pending.values()]) this.settle(pending, { error: this.broken });
  }
}
