/**
 * The entry of dist/distributed.js: what the VS Code extension needs of the distributed side, bundled
 * apart so that bullmq and ioredis are loaded (see src/extension/distributed-module.ts) only when
 * `research.redis.url` is set. The extension imports this file's types, never its code; the CLI
 * imports the modules themselves.
 */
export { parseRedisUrl, redactRedisUrl, type RedisTarget } from './redis-url';
export { checkRedisReachable } from './connection';
export { redisTransport } from './redis-transport';
export { WorkerWatch, type WorkerWatchOptions, type WorkerWatchStatus } from './worker-watch';
export type { RunningTask, WorkerState, WorkerView } from './registry';
