import type { OpenTransport } from '../core/executor';
import type { RedisTarget } from './redis-url';

export interface RedisTransportOptions {
  /** How long Redis may stay unreachable mid-run before the waiting tasks fail (default 30 s). */
  graceMs?: number;
}

/**
 * Tasks run on workers (`npm run worker`) through BullMQ queues on Redis; the dispatcher keeps the
 * graph and the journal. Call checkRedisReachable first, so a wrong URL fails before planning.
 */
export function redisTransport(target: RedisTarget, options: RedisTransportOptions = {}): OpenTransport {
  void target;
  void options;
  throw new Error('not implemented yet');
}
