import type { Redis } from 'ioredis';
import { errorMessage } from '../core/errors';
import { openConnection } from './connection';
import type { RedisTarget } from './redis-url';
import { listWorkers, type WorkerView } from './registry';

/** What a viewer (the Workers view) shows: still connecting, the workers, or why Redis cannot be read. */
export type WorkerWatchStatus =
  | { state: 'connecting' }
  | { state: 'listed'; workers: WorkerView[] }
  | { state: 'unreachable'; message: string };

export interface WorkerWatchOptions {
  /** Time between two listings (default 1 s). */
  intervalMs?: number;
  /** How long connecting or one listing may take before Redis counts as unreachable (default 3 s). */
  timeoutMs?: number;
}

/**
 * Lists the registered workers every second or so while someone looks (start/stop follow the view's
 * visibility), and calls `onChange` only when what it would show changed. Nothing touches Redis
 * while stopped: the connection is opened by start() and closed by stop(). A Redis that is down or
 * goes away is reported as `unreachable` within `timeoutMs`, never as a listing that hangs: commands
 * are not queued while disconnected and each has a timeout; the connection keeps trying to come back.
 */
export class WorkerWatch {
  /** How many listings were attempted, answered or not (the tests wait on it rather than on time). */
  polls = 0;
  private redis?: Redis;
  private timer?: NodeJS.Timeout;
  /** Bumped by stop(), so that a listing still under way when the watch stopped is dropped. */
  private generation = 0;
  private connectionError?: string;
  private current: WorkerWatchStatus = { state: 'connecting' };
  private shown = JSON.stringify(this.current);
  private readonly intervalMs: number;
  private readonly timeoutMs: number;

  constructor(
    private readonly target: RedisTarget,
    private readonly onChange: (status: WorkerWatchStatus) => void,
    options: WorkerWatchOptions = {},
  ) {
    this.intervalMs = options.intervalMs ?? 1000;
    this.timeoutMs = options.timeoutMs ?? 3000;
  }

  get status(): WorkerWatchStatus {
    return this.current;
  }

  get watching(): boolean {
    return this.redis !== undefined;
  }

  /** Connects and lists at once, then every intervalMs until stop(). Calling it again does nothing. */
  start(): void {
    if (this.redis) return;
    const generation = ++this.generation;
    const redis = openConnection(this.target, 'research-vscode-workers', (message) => this.connectionFailed(generation, message), {
      enableOfflineQueue: false,
      connectTimeout: this.timeoutMs,
      commandTimeout: this.timeoutMs,
    });
    redis.on('ready', () => {
      this.connectionError = undefined;
      this.pollSoon(generation, 0);
    });
    this.redis = redis;
    this.pollSoon(generation, this.intervalMs);
  }

  /** Stops listing and closes the connection; the last status stays readable. */
  stop(): void {
    this.generation++;
    clearTimeout(this.timer);
    this.timer = undefined;
    this.redis?.disconnect();
    this.redis = undefined;
    this.connectionError = undefined;
  }

  dispose(): void {
    this.stop();
  }

  private pollSoon(generation: number, delayMs: number): void {
    if (generation !== this.generation) return;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.poll(generation), delayMs);
  }

  /** One listing; the next is scheduled once this one is done, so listings never pile up on a slow Redis. */
  private async poll(generation: number): Promise<void> {
    const redis = this.redis;
    if (!redis || generation !== this.generation) return;
    this.timer = undefined;
    this.polls++;
    if (redis.status === 'ready') {
      try {
        const workers = await listWorkers(redis);
        if (generation === this.generation) this.show({ state: 'listed', workers });
      } catch (error) {
        if (generation === this.generation) this.show({ state: 'unreachable', message: `Redis at ${this.target.display}: ${errorMessage(error)}` });
      }
    } else if (this.connectionError) {
      this.show({ state: 'unreachable', message: this.connectionError });
    }
    // Scheduled unless stop() came meanwhile, or a ready connection already asked for a listing.
    if (generation === this.generation && this.timer === undefined) this.pollSoon(generation, this.intervalMs);
  }

  private connectionFailed(generation: number, message: string): void {
    if (generation !== this.generation) return;
    this.connectionError = message;
    // Said at once rather than at the next listing: the view stops showing workers it cannot vouch for.
    if (this.redis?.status !== 'ready') this.show({ state: 'unreachable', message });
  }

  private show(status: WorkerWatchStatus): void {
    this.current = status;
    const json = JSON.stringify(status);
    if (json === this.shown) return;
    this.shown = json;
    this.onChange(status);
  }
}
