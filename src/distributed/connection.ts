import { Redis, type RedisOptions } from 'ioredis';
import { errorMessage, UsageError } from '../core/errors';
import type { RedisTarget } from './redis-url';

/** How long the first contact may take before "cannot reach Redis" is reported. */
export const CONNECT_TIMEOUT_MS = 3000;

/**
 * Checks at once that Redis answers, so a wrong URL or a stopped server is a clear error before any
 * work starts, not a run that hangs: one connection, no reconnect, a PING within CONNECT_TIMEOUT_MS.
 */
export async function checkRedisReachable(target: RedisTarget, timeoutMs = CONNECT_TIMEOUT_MS): Promise<void> {
  const probe = new Redis(target.url, {
    lazyConnect: true,
    connectTimeout: timeoutMs,
    enableReadyCheck: false,
    maxRetriesPerRequest: 0,
    enableOfflineQueue: false,
    retryStrategy: () => null,
  });
  // ioredis reports the cause (ECONNREFUSED, ENOTFOUND…) as an event and rejects with "Connection is closed".
  let cause: unknown;
  probe.on('error', (error) => (cause ??= error));
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      probe.connect().then(() => probe.ping()),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs / 1000} s`)), timeoutMs);
      }),
    ]);
  } catch (error) {
    throw new UsageError(
      `cannot reach Redis at ${target.display}: ${describeConnectError(cause ?? error).replace(/\.$/, '')}. Start Redis there (e.g. \`redis-server --port 6379\`) or give the right URL with --redis (the research.redis.url setting in VS Code).`,
    );
  } finally {
    clearTimeout(timer);
    if (probe.status !== 'end') probe.disconnect();
  }
}

/**
 * A long-lived connection that reconnects on its own (Redis restarts, network blips), as BullMQ
 * expects: `maxRetriesPerRequest: null` lets commands wait for the reconnection instead of failing.
 */
export function openConnection(target: RedisTarget, name: string, onError?: (message: string) => void, extra: RedisOptions = {}): Redis {
  const redis = new Redis(target.url, {
    connectionName: name,
    maxRetriesPerRequest: null,
    retryStrategy: (times) => Math.min(100 * times, 1000),
    ...extra,
  });
  let last = '';
  redis.on('error', (error) => {
    const message = `Redis at ${target.display}: ${describeConnectError(error)}`;
    if (message !== last) onError?.(message); // one line per distinct problem, not one per reconnect attempt
    last = message;
  });
  redis.on('ready', () => (last = ''));
  return redis;
}

function describeConnectError(error: unknown): string {
  const code = (error as { code?: unknown } | undefined)?.code;
  if (code === 'ECONNREFUSED') return 'connection refused (nothing listens on that port)';
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return 'the host name does not resolve';
  const message = errorMessage(error);
  if (/NOAUTH|WRONGPASS|invalid password/i.test(message)) return `authentication failed (${message}); give the password in RESEARCH_REDIS_PASSWORD or the URL (in VS Code: Research: Set API Key → Redis password)`;
  return message;
}
