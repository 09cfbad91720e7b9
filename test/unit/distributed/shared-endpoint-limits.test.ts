/**
 * Per-endpoint limits shared through Redis: several EndpointLimiters, each on its own connection (as
 * separate workers are), against one real redis-server. The budgets run on Redis's clock, so these
 * tests use limits small enough (or refills slow enough) that a burst is decided by the budget alone.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { Redis, type RedisOptions } from 'ioredis';
import { RateLimitedError } from '../../../src/core/errors';
import { isRateLimited, isRetryable, retryAfterMs } from '../../../src/core/retry';
import { createSharedEndpointLimits, endpointIdentity, sharedLimitsKey, SharedLimitsUnavailableError } from '../../../src/distributed/shared-endpoint-limits';
import { createProviderFromSettings } from '../../../src/providers/create-provider';
import type { ChatModel, ChatRequest } from '../../../src/providers/model/chat-model';
import { EndpointLimiter, type EndpointLimits } from '../../../src/providers/model/endpoint-limiter';
import { EndpointPool, type PoolEndpoint } from '../../../src/providers/model/endpoint-pool';
import type { SharedEndpointState, SharedLimitsFactory } from '../../../src/providers/model/shared-endpoint-state';
import type { OpenAIResearchProvider } from '../../../src/providers/openai';
import { RedisServer, requireRedisServer } from '../../support/redis-server';

const BASE_URL = 'https://api.example.test/v1';
const signal = new AbortController().signal;

/** The error an acquire failed with (or a failure of the test if it succeeded). */
async function refusal(promise: Promise<unknown>): Promise<Error> {
  const outcome = await promise.then(
    () => undefined,
    (error: unknown) => error as Error,
  );
  assert.ok(outcome, 'expected a refusal, but it was admitted');
  return outcome;
}

describe('shared endpoint limits (Redis)', function () {
  let server: RedisServer;
  const connections: Redis[] = [];

  /** A connection as a worker opens it: commands wait for Redis to come back (BullMQ's setting). */
  function connect(extra: RedisOptions = {}, url = server.url): Redis {
    const redis = new Redis(url, { maxRetriesPerRequest: null, ...extra });
    redis.on('error', () => undefined);
    connections.push(redis);
    return redis;
  }

  /** One worker: its own connection, and a limiter for the endpoint on the shared store. */
  function worker(limits: EndpointLimits, name = 'api'): EndpointLimiter {
    const shared = createSharedEndpointLimits(connect())(name, BASE_URL, limits);
    return new EndpointLimiter(name, limits, Date.now, shared);
  }

  before(async function () {
    requireRedisServer(this);
    server = await RedisServer.start();
  });
  beforeEach(async () => {
    await connect().flushall();
  });
  afterEach(() => {
    for (const redis of connections.splice(0)) redis.disconnect();
  });
  after(async () => {
    await server?.dispose();
  });

  it('three workers in a burst admit no more than the requests per minute, and the rest are told to wait for it', async () => {
    const limits = { concurrency: 10, requestsPerMinute: 3 };
    const workers = [worker(limits), worker(limits), worker(limits)];
    // Four each: any one of them alone would admit three, so twelve in all without sharing.
    const outcomes = await Promise.all(workers.flatMap((w) => [1, 2, 3, 4].map(() => w.acquire(0, signal).then(() => undefined, (e: Error) => e))));
    const admitted = outcomes.filter((o) => o === undefined).length;
    const refused = outcomes.filter((o): o is Error => o !== undefined);
    assert.ok(admitted >= 1 && admitted <= 3, `admitted ${admitted} of 12 with 3 requests per minute`);
    assert.equal(refused.length, 12 - admitted);
    for (const error of refused) {
      assert.ok(error instanceof RateLimitedError, String(error));
      assert.match(error.message, /endpoint "api" is at its limit of 3 requests per minute \(shared by all workers\)/);
      const wait = retryAfterMs(error) ?? 0;
      assert.ok(wait > 0 && wait <= 20_000, `wait ${wait} ms: one request refills in 20 s`);
    }
    // Each refused worker now knows, without asking Redis, that the endpoint is held.
    const refusedWorkers = workers.filter((w) => w.holdMs(0) > 0);
    assert.ok(refusedWorkers.length >= 1);
  });

  it('a refused request takes nothing: a tokens-per-minute refusal leaves the request budget alone', async () => {
    const limits = { concurrency: 10, requestsPerMinute: 2, tokensPerMinute: 1000 };
    const factory = createSharedEndpointLimits(connect());
    const a = factory('api', BASE_URL, limits);
    const b = createSharedEndpointLimits(connect())('api', BASE_URL, limits);
    assert.deepEqual(await a.take(900), { taken: true });
    const tooMany = await b.take(200);
    assert.equal(tooMany.taken, false);
    assert.ok(!tooMany.taken && tooMany.reason === 'tpm' && tooMany.waitMs > 0);
    assert.deepEqual(await b.take(100), { taken: true }, 'the refused take used no request: one of two is left');
    const noRequests = await a.take(0);
    assert.ok(!noRequests.taken && noRequests.reason === 'rpm', JSON.stringify(noRequests));
  });

  it('settling gives back and charges the shared tokens, so later admissions follow the actual usage', async () => {
    const limits = { concurrency: 10, tokensPerMinute: 1000 };
    const [a, b, c] = [worker(limits), worker(limits), worker(limits)];
    const leaseA = await a.acquire(900, signal);
    const before = await refusal(b.acquire(800, signal));
    assert.match(before.message, /at its limit of 1000 tokens per minute/);
    await leaseA.settle(100); // used far less than reserved: 800 come back, for every worker
    leaseA.release();
    const leaseB = await b.acquire(800, signal);
    (await c.acquire(10, signal)).release(); // about 100 left: enough for 10
    await leaseB.settle(1800); // used 1000 more than reserved: charged to the shared bucket
    leaseB.release();
    const after = await refusal(c.acquire(10, signal));
    assert.ok(isRateLimited(after));
    assert.match(after.message, /tokens per minute/);
    assert.ok((retryAfterMs(after) ?? 0) > 30_000, `the overdraft of about 900 tokens takes most of a minute to refill, not ${retryAfterMs(after)} ms`);
  });

  it('a 429 pause set through one worker holds requests in the others; a shorter pause never shortens it', async () => {
    const limits = { concurrency: 10 };
    const [a, b, c] = [worker(limits), worker(limits), worker(limits)];
    (await b.acquire(0, signal)).release();
    await a.pause(30_000);
    const held = await refusal(b.acquire(0, signal));
    assert.ok(held instanceof RateLimitedError);
    assert.match(held.message, /asked for a pause \(429\)/);
    const wait = retryAfterMs(held) ?? 0;
    assert.ok(wait > 20_000 && wait <= 30_000, `wait ${wait} ms`);
    await c.pause(1000);
    const still = await refusal(c.acquire(0, signal));
    assert.ok((retryAfterMs(still) ?? 0) > 20_000, 'the longer pause stands');
    assert.equal(c.active, 0, 'a refused request gives its slot back');
  });

  it('refills continuously on Redis time: a used-up budget admits again after the wait it names', async () => {
    const state = createSharedEndpointLimits(connect())('fast', BASE_URL, { concurrency: 1, requestsPerMinute: 600 });
    let taken = 0;
    let result = await state.take(0);
    for (let i = 0; i < 2000 && result.taken; i++) {
      taken++;
      result = await state.take(0);
    }
    assert.ok(!result.taken, 'the budget ran out');
    assert.ok(taken >= 600, `took ${taken}: a full bucket holds 600`);
    assert.ok(result.reason === 'rpm' && result.waitMs > 0 && result.waitMs <= 100, JSON.stringify(result));
    for (let i = 0; i < 50 && !result.taken; i++) {
      await new Promise((resolve) => setTimeout(resolve, result.taken ? 0 : result.waitMs));
      result = await state.take(0);
    }
    assert.ok(result.taken, 'admitted again once the named wait was over');
  });

  it('keys an endpoint by its name and its base URL without credentials or query, and lets the key expire', async () => {
    const withSecrets = 'https://someone:hunter2@API.example.test/v1/?key=sk-SECRET';
    assert.equal(sharedLimitsKey('api', withSecrets), sharedLimitsKey('api', BASE_URL));
    assert.doesNotMatch(sharedLimitsKey('api', withSecrets), /hunter2|SECRET|someone/);
    assert.notEqual(sharedLimitsKey('api', 'https://other.example.test/v1'), sharedLimitsKey('api', BASE_URL), 'same name, another server: other limits');
    assert.notEqual(sharedLimitsKey('other', BASE_URL), sharedLimitsKey('api', BASE_URL));
    assert.match(endpointIdentity('api', BASE_URL), /^api:[0-9a-f]{16}$/);

    const redis = connect();
    const state = createSharedEndpointLimits(redis)('api', withSecrets, { concurrency: 1, requestsPerMinute: 3 });
    assert.deepEqual(await state.take(0), { taken: true });
    const key = sharedLimitsKey('api', BASE_URL);
    assert.deepEqual(await redis.keys('research:endpoint:*'), [key]);
    const ttl = await redis.pttl(key);
    assert.ok(ttl > 0 && ttl <= 21_000, `expires once the one request has refilled (20 s) and a second more, not ${ttl} ms`);
    await state.pause(40_000);
    assert.ok((await redis.pttl(key)) > 21_000, 'a pause keeps the key until it is over');
  });

  it('the pool sends a request to another endpoint when the shared limits of the first are used up by another worker', async () => {
    const calls: string[] = [];
    const fake = (name: string): ChatModel => ({
      id: name,
      complete: async () => (calls.push(name), { text: 'ok', usage: { inputTokens: 1, outputTokens: 1 }, model: 'm', endpoint: name }),
    });
    const limits = { concurrency: 4 };
    const here = createSharedEndpointLimits(connect());
    const endpoints: PoolEndpoint[] = ['a', 'b'].map((name) => ({ name, limits, shared: here(name, `https://${name}.example.test/v1`, limits), chatModel: () => fake(name) }));
    const pool = new EndpointPool(endpoints);
    // Another worker got a 429 from "a": this one has not heard of it yet.
    await createSharedEndpointLimits(connect())('a', 'https://a.example.test/v1', limits).pause(30_000);
    const request: ChatRequest = { messages: [{ role: 'user', content: 'q' }], signal };
    await pool.chatModel('m').complete(request);
    assert.deepEqual(calls, ['b']);
    assert.ok(pool.status()[0].heldMs > 20_000, 'and now it knows "a" is paused');
  });

  it('the pool asks the store again when it last heard an endpoint was used up: another worker may have given tokens back', async () => {
    const calls: string[] = [];
    const limits = { concurrency: 4, tokensPerMinute: 1000 };
    const chat: ChatModel = { id: 'a', complete: async () => (calls.push('a'), { text: 'ok', usage: { inputTokens: 1, outputTokens: 1 }, model: 'm', endpoint: 'a' }) };
    const pool = new EndpointPool([{ name: 'a', limits, shared: createSharedEndpointLimits(connect())('a', BASE_URL, limits), chatModel: () => chat }]);
    const other = worker(limits, 'a');
    const big = await other.acquire(1000, signal);
    const request: ChatRequest = { messages: [{ role: 'user', content: 'q' }], signal, maxOutputTokens: 100 };
    const held = await refusal(pool.chatModel('m').complete(request));
    assert.match(held.message, /tokens per minute/);
    assert.ok(pool.status()[0].heldMs > 0, 'it heard the budget is used up');
    await big.settle(10);
    big.release();
    await pool.chatModel('m').complete(request);
    assert.deepEqual(calls, ['a']);
  });

  describe('without Redis', () => {
    let lonely: RedisServer;
    before(async function () {
      requireRedisServer(this);
      lonely = await RedisServer.start();
    });
    after(async () => {
      await lonely?.dispose();
    });

    it('fails the attempt with a retryable error naming Redis, whether the connection waits or rejects, and holds no slot', async () => {
      const waiting = connect({}, lonely.url); // maxRetriesPerRequest: null, as BullMQ's: commands would wait forever
      const rejecting = connect({ lazyConnect: true, maxRetriesPerRequest: 0, enableOfflineQueue: false, retryStrategy: () => null }, lonely.url);
      await rejecting.connect();
      await waiting.ping();
      const limits = { concurrency: 1, requestsPerMinute: 10 };
      const limiters = [waiting, rejecting].map((redis) => new EndpointLimiter('api', limits, Date.now, createSharedEndpointLimits(redis, { timeoutMs: 300 })('api', BASE_URL, limits)));
      (await limiters[0].acquire(0, signal)).release();
      await lonely.stop();
      for (const limiter of limiters) {
        const error = await refusal(limiter.acquire(0, signal));
        assert.ok(error instanceof SharedLimitsUnavailableError, String(error));
        assert.ok(isRetryable(error) && !isRateLimited(error), 'retried by the dispatcher as a failure, not waited out as a rate limit');
        assert.match(error.message, new RegExp(`cannot check the shared rate limits of endpoint "api" \\(Redis at 127\\.0\\.0\\.1:${lonely.port}\\)`));
        assert.equal(limiter.active, 0, 'the slot is given back');
        await assert.rejects(limiter.pause(1000), SharedLimitsUnavailableError);
        assert.ok(limiter.holdMs(0) > 0, 'this worker still holds after a 429 it could not share');
      }
    });
  });
});

describe('shared limits plumbing', () => {
  let root: string;
  beforeEach(async () => {
    root = await mkdtemp(path.join(tmpdir(), 'research-shared-limits-'));
  });
  afterEach(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('createProviderFromSettings hands each endpoint to the sharedLimits factory, and its requests ask the shared state first', async () => {
    const made: unknown[] = [];
    const takes: number[] = [];
    const factory: SharedLimitsFactory = (name, baseUrl, limits) => {
      made.push({ name, baseUrl, limits });
      const state: SharedEndpointState = {
        take: async (tokens) => (takes.push(tokens), { taken: false, waitMs: 4000, reason: 'pause' }),
        adjustTokens: async () => undefined,
        pause: async (ms) => ms,
      };
      return state;
    };
    // Port 9 (discard): were a request sent, it would fail with a connection error, not a rate limit.
    const endpoints = [{ name: 'local', baseUrl: 'http://127.0.0.1:9/v1', requestsPerMinute: 5 }];
    const provider = (await createProviderFromSettings({
      settings: { provider: 'openai', model: { endpoints, models: { planner: 'm' } } },
      root,
      keys: { env: {} },
      sharedLimits: factory,
    })) as OpenAIResearchProvider;
    assert.deepEqual(made, [{ name: 'local', baseUrl: 'http://127.0.0.1:9/v1', limits: { concurrency: 4, requestsPerMinute: 5, tokensPerMinute: undefined } }]);
    const error = await refusal(provider.pool.chatModel('m').complete({ messages: [{ role: 'user', content: 'q' }], signal }));
    assert.ok(error instanceof RateLimitedError);
    assert.equal(retryAfterMs(error), 4000);
    assert.equal(takes.length, 1);
  });
});
