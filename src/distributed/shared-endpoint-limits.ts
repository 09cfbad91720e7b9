import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';
import { errorMessage, formatSeconds, RetryableError } from '../core/errors';
import type { EndpointLimits } from '../providers/model/endpoint-limiter';
import type { HoldReason, SharedEndpointState, SharedLimitsFactory, TakeResult } from '../providers/model/shared-endpoint-state';
import { redisKeys } from './keys';

/** How long one call to Redis may take before the attempt fails (retryable) instead of waiting on. */
export const SHARED_LIMITS_TIMEOUT_MS = 5000;

export interface SharedLimitsOptions {
  /** Default SHARED_LIMITS_TIMEOUT_MS. Bounds every call, whatever the connection's own retry settings. */
  timeoutMs?: number;
  /** How Redis is named in errors (RedisTarget.display); default its host and port. Never a password. */
  display?: string;
}

/**
 * Redis could not be asked about an endpoint's shared limits (unreachable, too slow, or an error reply).
 * Retryable: the dispatcher tries the task again later, and no request is sent without the limits' say.
 */
export class SharedLimitsUnavailableError extends RetryableError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, undefined, options);
    this.name = 'SharedLimitsUnavailableError';
  }
}

/**
 * One script for every operation, so each is atomic across processes: it reads the endpoint's hash,
 * refills both buckets to Redis's own clock (TIME: workers whose clocks disagree still agree on the
 * budget), then takes, adjusts or pauses, and sets the key to expire once the buckets are full and the
 * pause is over, when it says nothing an absent key would not (absent = full buckets, no pause).
 *
 * ARGV: op (take | adjust | pause), requests per minute, tokens per minute (0 = no such limit), amount
 * (take: estimated tokens; adjust: tokens back, negative to charge; pause: milliseconds).
 * Returns {1, pause in force (ms)} when done, or for a refused take {0, wait ms, reason} having changed nothing.
 * Redis 5 and later (as BullMQ needs) replicate a script's effects, so writes after TIME are allowed.
 */
const SCRIPT = `
local key = KEYS[1]
local op = ARGV[1]
local rpm = tonumber(ARGV[2])
local tpm = tonumber(ARGV[3])
local amount = tonumber(ARGV[4])
local PERIOD = 60000

local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + tonumber(t[2]) / 1000

local f = redis.call('HMGET', key, 'rpm', 'rpm_at', 'tpm', 'tpm_at', 'paused_until')
local function level(value, at, cap)
  if cap <= 0 then return 0 end
  value = tonumber(value)
  at = tonumber(at)
  if value == nil or at == nil then return cap end
  -- max(0, ...): a clock that steps back (a failover to another server) refills nothing, takes nothing.
  return math.min(cap, value + math.max(0, now - at) * cap / PERIOD)
end
local function wait(value, cap, need)
  if cap <= 0 then return 0 end
  need = math.min(need, cap)
  if value >= need then return 0 end
  return math.ceil((need - value) * PERIOD / cap)
end
local requests = level(f[1], f[2], rpm)
local tokens = level(f[3], f[4], tpm)
local paused = tonumber(f[5]) or 0

if op == 'take' then
  local waits = { math.ceil(math.max(0, paused - now)), wait(requests, rpm, 1), wait(tokens, tpm, amount) }
  local reasons = { 'pause', 'rpm', 'tpm' }
  local longest, why = 0, ''
  for i = 1, 3 do
    if waits[i] > longest then longest, why = waits[i], reasons[i] end
  end
  if longest > 0 then return { 0, longest, why } end
  requests = requests - 1
  tokens = tokens - amount
elseif op == 'adjust' then
  tokens = math.min(tpm, tokens + amount)
elseif op == 'pause' then
  paused = math.max(paused, now + amount)
else
  return redis.error_reply('unknown operation ' .. tostring(op))
end

local fields = { 'paused_until', paused }
local ttl = math.max(0, paused - now)
if rpm > 0 then
  table.insert(fields, 'rpm'); table.insert(fields, requests)
  table.insert(fields, 'rpm_at'); table.insert(fields, now)
  ttl = math.max(ttl, (rpm - requests) * PERIOD / rpm)
end
if tpm > 0 then
  table.insert(fields, 'tpm'); table.insert(fields, tokens)
  table.insert(fields, 'tpm_at'); table.insert(fields, now)
  ttl = math.max(ttl, (tpm - tokens) * PERIOD / tpm)
end
redis.call('HSET', key, unpack(fields))
-- Never shorter than it was: a process with other limits for the same endpoint may need it longer.
redis.call('PEXPIRE', key, math.max(redis.call('PTTL', key), math.ceil(ttl) + 1000))
return { 1, math.ceil(math.max(0, paused - now)) }
`;

const COMMAND = 'researchEndpointLimits';

type ScriptReply = [1, number] | [0, number, HoldReason];
type RunScript = (key: string, op: string, rpm: number, tpm: number, amount: number) => Promise<ScriptReply>;

/**
 * Who an endpoint is across every user of one Redis: its name and a digest of its base URL. The URL
 * is reduced to scheme, host, port and path first, so credentials or a key in its query (which have no
 * business there, but may be) never reach Redis, not even hashed.
 */
export function endpointIdentity(endpointName: string, baseUrl: string): string {
  let where: string;
  try {
    const url = new URL(baseUrl);
    where = `${url.protocol}//${url.host}${url.pathname.replace(/\/+$/, '')}`;
  } catch {
    where = baseUrl.replace(/\/\/[^/@]*@/, '//').replace(/[?#].*$/, '');
  }
  return `${endpointName}:${createHash('sha256').update(where).digest('hex').slice(0, 16)}`;
}

/** The Redis key of an endpoint's shared limits (one hash: both buckets and the pause). */
export function sharedLimitsKey(endpointName: string, baseUrl: string): string {
  return redisKeys.endpoint(endpointIdentity(endpointName, baseUrl));
}

/**
 * The factory a worker passes to createProviderFromSettings (`sharedLimits`), built on its ioredis
 * connection: every endpoint's per-minute limits and 429 pauses are then shared with every other
 * process on the same Redis. The connection stays the caller's to close.
 */
export function createSharedEndpointLimits(redis: Redis, options: SharedLimitsOptions = {}): SharedLimitsFactory {
  const commands = redis as unknown as Record<string, RunScript | undefined>;
  // ioredis sends it by its SHA and loads it again after a restart (NOSCRIPT); defined once per connection.
  if (typeof commands[COMMAND] !== 'function') redis.defineCommand(COMMAND, { numberOfKeys: 1, lua: SCRIPT });
  const runScript: RunScript = (...args) => commands[COMMAND]!.apply(redis, args);
  const timeoutMs = options.timeoutMs ?? SHARED_LIMITS_TIMEOUT_MS;
  const display = options.display ?? (redis.options.path || `${redis.options.host ?? 'localhost'}:${redis.options.port ?? 6379}`);
  return (endpointName, baseUrl, limits) => new RedisEndpointState(runScript, endpointName, sharedLimitsKey(endpointName, baseUrl), limits, timeoutMs, display);
}

class RedisEndpointState implements SharedEndpointState {
  private readonly rpm: number;
  private readonly tpm: number;

  constructor(
    private readonly runScript: RunScript,
    private readonly endpointName: string,
    private readonly key: string,
    limits: EndpointLimits,
    private readonly timeoutMs: number,
    private readonly display: string,
  ) {
    this.rpm = limits.requestsPerMinute ?? 0;
    this.tpm = limits.tokensPerMinute ?? 0;
  }

  async take(estimatedTokens: number): Promise<TakeResult> {
    const reply = await this.run('take', Math.max(0, estimatedTokens));
    return reply[0] === 1 ? { taken: true } : { taken: false, waitMs: Number(reply[1]), reason: reply[2] as HoldReason };
  }

  async adjustTokens(delta: number): Promise<void> {
    if (this.tpm > 0) await this.run('adjust', delta);
  }

  async pause(ms: number): Promise<number> {
    const reply = await this.run('pause', Math.max(0, ms));
    return Number(reply[1]);
  }

  /**
   * One script call, bounded: BullMQ's connections wait for Redis to come back (maxRetriesPerRequest:
   * null), which would hold the attempt forever. A call abandoned here may still land later; at worst
   * it takes a request that was never sent, which errs on the side of the limit.
   */
  private async run(op: 'take' | 'adjust' | 'pause', amount: number): Promise<ScriptReply> {
    const what = `the shared rate limits of endpoint "${this.endpointName}" (Redis at ${this.display})`;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new SharedLimitsUnavailableError(`cannot check ${what}: no answer within ${formatSeconds(this.timeoutMs)}`)), this.timeoutMs);
    });
    try {
      return await Promise.race([this.runScript(this.key, op, this.rpm, this.tpm, amount), timeout]);
    } catch (error) {
      if (error instanceof SharedLimitsUnavailableError) throw error;
      throw new SharedLimitsUnavailableError(`cannot check ${what}: ${errorMessage(error)}`, { cause: error });
    } finally {
      clearTimeout(timer);
    }
  }
}
