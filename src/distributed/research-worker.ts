import * as path from 'node:path';
import { hostname } from 'node:os';
import { Worker, type Job } from 'bullmq';
import type { Redis } from 'ioredis';
import { DEFAULT_LIMITS } from '../core/defaults';
import { errorMessage, PermanentError } from '../core/errors';
import type { TaskResult } from '../core/executor';
import { TASK_KINDS, type TaskKind } from '../core/plan';
import { withSimulation } from '../core/simulate';
import { openConnection } from './connection';
import { inputsOfJob, outcomeSchema, parseJobData, type JobData, type Outcome } from './job';
import { KEY_PREFIX, queueName, RECORD_TTL_SECONDS, redisKeys } from './keys';
import { policyViolation, type WorkerPolicy } from './policy';
import { defaultProviderBuilder, ProviderCache, type ProviderBuilder } from './provider-cache';
import { newWorkerId, writeWorkerRecord, type RunningTask, type WorkerRecord, type WorkerState } from './registry';
import { toErrorShape } from './remote-error';
import type { RedisTarget } from './redis-url';
import { createSharedEndpointLimits } from './shared-endpoint-limits';
import { SlotGate } from './slot-gate';

export interface ResearchWorkerOptions {
  target: RedisTarget;
  /** The task kinds this worker takes: one BullMQ queue each. Default: all. */
  capabilities?: readonly TaskKind[];
  /** Tasks at once across all its queues. Default 4. */
  concurrency?: number;
  /** The folder the worker researches (its copy of the run's workspace). Default: the current folder. */
  root?: string;
  /** Providers it runs tasks for. Default: offline and openai. */
  providers?: readonly string[];
  id?: string;
  /** Heartbeat period. Default 1 s. */
  heartbeatMs?: number;
  /**
   * How long a job's lock lasts without renewal (renewed at half of it while the task runs). A worker
   * that dies loses its jobs to other workers this long after its last renewal. Default 30 s.
   */
  lockMs?: number;
  /** Refuse jobs queued longer ago than this (see policy.ts). Default: no limit. */
  maxQueuedMs?: number;
  log?: (level: 'info' | 'warn' | 'error', message: string) => void;
  /** Tests and the CLI may build providers their own way (e.g. with shared endpoint limits). */
  buildProvider?: ProviderBuilder;
}

/**
 * A research worker: takes task attempts from the BullMQ queues of its capabilities, checks each
 * against its policy, runs it with the run's provider (rebuilt here with this machine's keys), and
 * records the outcome exactly once (SET NX on the attempt's key) before BullMQ marks the job done.
 * A job redelivered after a crash finds the recorded outcome and returns it without running again.
 * It registers itself and heartbeats its state and current tasks (registry.ts), and listens for
 * cancel messages, which abort the task it holds.
 */
export class ResearchWorker {
  readonly id: string;
  private readonly capabilities: readonly TaskKind[];
  private readonly redis: Redis;
  private readonly subscriber: Redis;
  private readonly workers = new Map<string, Worker>();
  /** Connections handed to BullMQ, which leaves a connection it was given open when it closes. */
  private readonly connections: Redis[] = [];
  private readonly gate: SlotGate;
  private readonly providers: ProviderCache;
  private readonly policy: WorkerPolicy;
  private readonly running = new Map<string, RunningTask>();
  private readonly heartbeat: NodeJS.Timeout;
  private readonly heartbeatMs: number;
  private readonly startedAt = Date.now();
  private readonly log: NonNullable<ResearchWorkerOptions['log']>;
  private state: WorkerState = 'idle';
  private reason?: string;
  private completed = 0;
  private failed = 0;
  private stopping?: Promise<void>;

  private constructor(private readonly options: ResearchWorkerOptions) {
    this.id = options.id ?? newWorkerId();
    const log = options.log ?? (() => undefined);
    // A log line may quote a server's answer or error, which may echo this machine's keys.
    this.log = (level, message) => log(level, this.providers.redact(message));
    this.capabilities = options.capabilities?.length ? [...new Set(options.capabilities)] : TASK_KINDS;
    this.heartbeatMs = options.heartbeatMs ?? 1000;
    const root = path.resolve(options.root ?? process.cwd());
    this.policy = {
      capabilities: this.capabilities,
      workspace: path.basename(root),
      providers: options.providers ?? ['offline', 'openai'],
      maxQueuedMs: options.maxQueuedMs,
    };
    this.redis = openConnection(options.target, `research-worker:${this.id}`, (message) => this.trouble(message));
    // Per-minute limits and 429 pauses of each endpoint are shared by every worker through Redis.
    const sharedLimits = createSharedEndpointLimits(this.redis, { display: options.target.display });
    this.providers = new ProviderCache(options.buildProvider ?? defaultProviderBuilder({ sharedLimits }), root);
    this.redis.on('ready', () => this.recovered());
    this.subscriber = openConnection(options.target, `research-worker-cancel:${this.id}`);
    this.gate = new SlotGate(Math.max(1, Math.floor(options.concurrency ?? DEFAULT_LIMITS.concurrency)), (queue, concurrency) => {
      const worker = this.workers.get(queue);
      if (worker && worker.concurrency !== concurrency) worker.concurrency = concurrency;
    });
    this.heartbeat = setInterval(() => void this.beat(), this.heartbeatMs);
  }

  /** Starts a worker; resolves once it is registered and listening to its queues. */
  static async start(options: ResearchWorkerOptions): Promise<ResearchWorker> {
    const worker = new ResearchWorker(options);
    await worker.listen();
    return worker;
  }

  get record(): WorkerRecord {
    return {
      id: this.id,
      host: hostname(),
      pid: process.pid,
      capabilities: [...this.capabilities],
      concurrency: this.gate.slots,
      workspace: this.policy.workspace,
      state: this.state,
      ...(this.reason !== undefined && { reason: this.reason }),
      running: [...this.running.values()],
      completed: this.completed,
      failed: this.failed,
      startedAt: this.startedAt,
      heartbeatAt: Date.now(),
      heartbeatMs: this.heartbeatMs,
    };
  }

  /**
   * Stops taking jobs, lets the tasks it holds finish (or, with `abort`, cancels them: they go back
   * to their queues through stalled-job recovery), and leaves a `stopped` record that expires.
   */
  stop(options: { abort?: boolean; reason?: string } = {}): Promise<void> {
    this.stopping ??= (async () => {
      if (options.abort) for (const worker of this.workers.values()) worker.cancelAllJobs(options.reason ?? 'the worker is stopping');
      await Promise.allSettled([...this.workers.values()].map((w) => w.close()));
      clearInterval(this.heartbeat);
      this.state = 'stopped';
      this.reason = options.reason ?? 'stopped';
      await writeWorkerRecord(this.redis, this.record, 60).catch(() => undefined);
      this.providers.dispose();
      for (const connection of [this.subscriber, this.redis, ...this.connections]) connection.disconnect();
    })();
    return this.stopping;
  }

  // ---------------------------------------------------------------- start-up

  private async listen(): Promise<void> {
    await this.subscriber.subscribe(redisKeys.cancelChannel);
    this.subscriber.on('message', (_channel, message) => this.onCancel(message));
    const lockMs = this.options.lockMs ?? 30_000;
    for (const kind of this.capabilities) {
      const name = queueName(kind);
      // The job's return value only says who recorded what; the outcome itself is under its own key.
      const processor = async (job: Job, _token?: string, signal?: AbortSignal) => {
        const outcome = await this.process(name, job, signal);
        return { ok: outcome.ok, workerId: outcome.workerId };
      };
      const connection = openConnection(this.options.target, `research-worker:${this.id}:${kind}`);
      this.connections.push(connection);
      const worker = new Worker(name, processor, {
        connection,
        prefix: KEY_PREFIX,
        concurrency: this.gate.add(name),
        lockDuration: lockMs,
        stalledInterval: lockMs,
        // A job whose worker died goes back to its queue; after two such losses BullMQ fails it and
        // the dispatcher's own retry policy takes over.
        maxStalledCount: 2,
        autorun: false,
      });
      worker.on('error', (error) => this.trouble(`queue ${name}: ${errorMessage(error)}`));
      this.workers.set(name, worker);
    }
    await writeWorkerRecord(this.redis, this.record);
    for (const worker of this.workers.values()) void worker.run().catch((error) => this.trouble(errorMessage(error)));
    await Promise.all([...this.workers.values()].map((w) => w.waitUntilReady()));
    this.log('info', `worker ${this.id} takes ${this.capabilities.join(', ')} tasks (${this.gate.slots} at once) on ${this.options.target.display}, researching "${this.policy.workspace}"`);
  }

  // ---------------------------------------------------------------- one job

  private async process(queue: string, job: Job, signal: AbortSignal | undefined): Promise<Outcome> {
    const jobId = job.id!;
    const abort = signal ?? new AbortController().signal;
    let data: JobData;
    try {
      data = parseJobData(job.data);
    } catch (error) {
      return this.recordOnce(jobId, { ok: false, error: toErrorShape(new PermanentError(errorMessage(error))), workerId: this.id, at: Date.now() });
    }
    // One round trip: log the delivery, and read what decides whether to run it at all.
    const replies = await this.redis
      .multi()
      .rpush(redisKeys.deliveries(data.runKey), JSON.stringify({ jobId, taskId: data.task.id, attempt: data.attempt, workerId: this.id, at: Date.now() }))
      .expire(redisKeys.deliveries(data.runKey), RECORD_TTL_SECONDS)
      .get(redisKeys.outcome(jobId))
      .get(redisKeys.cancelled(jobId))
      .exec();
    const [recorded, cancelled] = (replies ?? []).slice(2).map(([error, value]) => {
      if (error) throw error;
      return value as string | null;
    });

    // Delivered again after its worker died, but that worker had recorded the outcome: return it, run nothing.
    if (recorded !== null && recorded !== undefined) return outcomeSchema.parse(JSON.parse(recorded));

    const violation = policyViolation(data, this.policy, { now: Date.now(), cancelled: cancelled ?? undefined });
    if (violation !== undefined) {
      this.log('warn', `refused task "${data.task.id}" of run ${data.runId}: ${violation}`);
      const outcome: Outcome = { ok: false, error: { message: `policy: ${violation}`, name: 'PolicyError', retryable: false }, workerId: this.id, at: Date.now() };
      return this.finish(jobId, outcome, cancelled !== null && cancelled !== undefined);
    }

    try {
      await this.gate.acquire(queue, abort);
    } catch (error) {
      return this.finish(jobId, { ok: false, error: toErrorShape(abort.reason ?? error), workerId: this.id, at: Date.now() }, true);
    }
    this.running.set(jobId, { runId: data.runId, taskId: data.task.id, kind: data.task.kind, description: data.task.description, attempt: data.attempt, startedAt: Date.now() });
    this.setState();
    void this.beat();
    try {
      const result = await this.run(data, job, abort);
      return await this.finish(jobId, { ok: true, result: result as Extract<Outcome, { ok: true }>['result'], workerId: this.id, at: Date.now() });
    } catch (error) {
      return await this.finish(jobId, { ok: false, error: toErrorShape(abort.aborted ? (abort.reason ?? error) : error), workerId: this.id, at: Date.now() }, abort.aborted);
    } finally {
      this.running.delete(jobId);
      this.gate.release(queue);
      this.setState();
      void this.beat();
    }
  }

  private async run(data: JobData, job: Job, signal: AbortSignal): Promise<TaskResult> {
    const provider = await this.providers.get(data);
    const execute = withSimulation(provider.execute);
    let lastProgress = 0;
    return execute(data.task, {
      signal,
      attempt: data.attempt,
      inputs: inputsOfJob(data),
      question: data.question,
      progress: (message, fraction) => {
        const now = Date.now();
        if (now - lastProgress < 100 && (fraction === undefined || fraction < 1)) return; // at most 10 a second
        lastProgress = now;
        void job.updateProgress({ message, ...(fraction !== undefined && { fraction }) }).catch(() => undefined);
      },
    });
  }

  /** Records the outcome and counts it (a cancelled attempt is neither completed nor failed). */
  private async finish(jobId: string, outcome: Outcome, cancelled = false): Promise<Outcome> {
    const recorded = await this.recordOnce(jobId, outcome);
    if (recorded.ok) this.completed++;
    else if (!cancelled) this.failed++;
    if (recorded.workerId !== this.id) this.log('info', `job ${jobId} was already recorded by worker ${recorded.workerId}; this delivery's result is dropped`);
    return recorded;
  }

  /** Exactly once: the first outcome written for an attempt is the one; later ones read it back. */
  private async recordOnce(jobId: string, outcome: Outcome): Promise<Outcome> {
    const key = redisKeys.outcome(jobId);
    const written = await this.redis.set(key, JSON.stringify(outcome), 'EX', RECORD_TTL_SECONDS, 'NX');
    if (written === 'OK') return outcome;
    const existing = await this.redis.get(key);
    return existing === null ? outcome : outcomeSchema.parse(JSON.parse(existing));
  }

  // ---------------------------------------------------------------- cancel, state, heartbeat

  private onCancel(message: string): void {
    let jobId: string | undefined;
    let reason = 'cancelled';
    try {
      const parsed = JSON.parse(message) as { jobId?: unknown; reason?: unknown };
      if (typeof parsed.jobId === 'string') jobId = parsed.jobId;
      if (typeof parsed.reason === 'string') reason = parsed.reason;
    } catch {
      return;
    }
    if (jobId === undefined) return;
    for (const worker of this.workers.values()) {
      if (worker.cancelJob(jobId, reason)) this.log('info', `cancelled job ${jobId}: ${reason}`);
    }
  }

  private setState(): void {
    if (this.state === 'stopped') return;
    if (this.state === 'error' && this.redis.status !== 'ready') return;
    this.state = this.running.size > 0 ? 'running' : 'idle';
    this.reason = undefined;
  }

  private trouble(message: string): void {
    this.log('warn', message);
    if (this.state === 'stopped') return;
    this.state = 'error';
    this.reason = message;
  }

  private recovered(): void {
    if (this.state !== 'error') return;
    this.log('info', `connected to Redis at ${this.options.target.display} again`);
    this.state = 'idle';
    this.setState();
  }

  private async beat(): Promise<void> {
    if (this.stopping || this.redis.status !== 'ready') return;
    await writeWorkerRecord(this.redis, this.record).catch(() => undefined);
  }
}
