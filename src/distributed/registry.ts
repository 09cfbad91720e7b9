import { hostname } from 'node:os';
import type { Redis } from 'ioredis';
import * as z from 'zod';
import { TASK_KINDS } from '../core/plan';
import { redisKeys } from './keys';

/**
 * Worker lifecycle (seed 002): each worker registers with its capabilities and capacity, then
 * heartbeats its state and current tasks. The record expires when heartbeats stop, so a crashed
 * worker disappears on its own; until then readers see it as `error` (no heartbeat).
 */
export const WORKER_STATES = ['idle', 'running', 'error', 'stopped'] as const;
export type WorkerState = (typeof WORKER_STATES)[number];

const runningTaskSchema = z.object({
  runId: z.string(),
  taskId: z.string(),
  kind: z.enum(TASK_KINDS),
  description: z.string(),
  attempt: z.number(),
  startedAt: z.number(),
});
export type RunningTask = z.infer<typeof runningTaskSchema>;

export const workerRecordSchema = z.object({
  id: z.string(),
  host: z.string(),
  pid: z.number(),
  capabilities: z.array(z.enum(TASK_KINDS)),
  concurrency: z.number(),
  /** The folder's name this worker researches (its --dir). */
  workspace: z.string(),
  state: z.enum(WORKER_STATES),
  /** Why the state is `error` (or why the worker stopped). */
  reason: z.string().optional(),
  running: z.array(runningTaskSchema),
  completed: z.number(),
  failed: z.number(),
  startedAt: z.number(),
  heartbeatAt: z.number(),
  heartbeatMs: z.number(),
});
export type WorkerRecord = z.infer<typeof workerRecordSchema>;

/** A worker as a viewer should see it: a silent worker is shown as `error`, whatever it last said. */
export interface WorkerView extends WorkerRecord {
  /** running ÷ concurrency. */
  load: number;
  /** Heartbeats stopped: the worker probably died; its tasks return to the queue when their locks lapse. */
  silent: boolean;
}

/** Heartbeats missed before a worker counts as silent. */
const SILENT_AFTER_BEATS = 3;

/** How long a record outlives the worker's last heartbeat: long enough for viewers to see it fall silent. */
export function recordTtlSeconds(heartbeatMs: number): number {
  return Math.max(30, Math.ceil((heartbeatMs * 10) / 1000));
}

export function newWorkerId(): string {
  return `${hostname()}-${process.pid}-${Math.random().toString(36).slice(2, 6)}`;
}

export async function writeWorkerRecord(redis: Redis, record: WorkerRecord, ttlSeconds = recordTtlSeconds(record.heartbeatMs)): Promise<void> {
  await redis.multi().sadd(redisKeys.workers, record.id).set(redisKeys.worker(record.id), JSON.stringify(record), 'EX', ttlSeconds).exec();
}

/** Every registered worker, sorted by id; ids whose record expired are removed from the set. */
export async function listWorkers(redis: Redis, now = Date.now()): Promise<WorkerView[]> {
  const ids = await redis.smembers(redisKeys.workers);
  if (ids.length === 0) return [];
  const raw = await redis.mget(ids.map((id) => redisKeys.worker(id)));
  const views: WorkerView[] = [];
  const gone: string[] = [];
  ids.forEach((id, i) => {
    const text = raw[i];
    if (text === null) {
      gone.push(id);
      return;
    }
    const parsed = workerRecordSchema.safeParse(safeJson(text));
    if (!parsed.success) return; // a worker of another version: not ours to show or to delete
    views.push(toView(parsed.data, now));
  });
  if (gone.length > 0) await redis.srem(redisKeys.workers, ...gone);
  return views.sort((a, b) => a.id.localeCompare(b.id));
}

export function toView(record: WorkerRecord, now: number): WorkerView {
  const silentMs = now - record.heartbeatAt;
  const silent = record.state !== 'stopped' && silentMs > record.heartbeatMs * SILENT_AFTER_BEATS;
  return {
    ...record,
    ...(silent && { state: 'error' as const, reason: `no heartbeat for ${Math.round(silentMs / 1000)} s: the worker may have died; its tasks go back to the queue` }),
    load: record.concurrency > 0 ? record.running.length / record.concurrency : 0,
    silent,
  };
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
