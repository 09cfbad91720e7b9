import assert from 'node:assert/strict';
import { RetryableError, RateLimitedError, PermanentError } from '../../../../src/core/errors';
import { isRateLimited, retryAfterMs } from '../../../../src/core/retry';
import type { ChatModel, ChatRequest, ChatResponse } from '../../../../src/providers/model/chat-model';
import { EndpointLimiter } from '../../../../src/providers/model/endpoint-limiter';
import { EndpointPool, type PoolEndpoint } from '../../../../src/providers/model/endpoint-pool';

/** A clock the test moves by hand. */
function clock() {
  let t = 1_000_000;
  return { now: () => t, advance: (ms: number) => (t += ms) };
}

/** An endpoint whose answers the test scripts: 'ok', 'fail' (500-like), '429', or 'hold' (waits until released). */
function fakeEndpoint(name: string, concurrency = 4, extra: Partial<PoolEndpoint> = {}) {
  const calls: string[] = [];
  let behaviour: 'ok' | 'fail' | '429' = 'ok';
  const held: (() => void)[] = [];
  let holdNext = 0;
  const chat: ChatModel = {
    id: name,
    async complete(request: ChatRequest): Promise<ChatResponse> {
      calls.push(request.messages[0].content);
      if (holdNext > 0) {
        holdNext--;
        await new Promise<void>((resolve) => held.push(resolve));
      }
      if (behaviour === 'fail') throw new RetryableError(`${name} answered 500`);
      if (behaviour === '429') throw new RateLimitedError(`${name} is rate limiting`, 5000);
      return { text: 'ok', usage: { inputTokens: 10, outputTokens: 5 }, model: 'm', endpoint: name };
    },
  };
  return {
    endpoint: { name, limits: { concurrency }, chatModel: () => chat, ...extra } as PoolEndpoint,
    calls,
    set: (b: typeof behaviour) => (behaviour = b),
    hold: (n: number) => (holdNext = n),
    release: () => held.splice(0).forEach((r) => r()),
  };
}

const request = (content = 'q'): ChatRequest => ({ messages: [{ role: 'user', content }], signal: new AbortController().signal });

describe('endpoint pool: least loaded, health with probes, rate limits', () => {
  it('says when a request waits for a free slot on a busy endpoint', async () => {
    const a = fakeEndpoint('a', 1);
    const pool = new EndpointPool([a.endpoint]);
    a.hold(1);
    const first = pool.chatModel('m').complete(request('1'));
    await new Promise((r) => setImmediate(r));
    const waits: string[] = [];
    const second = pool.chatModel('m').complete({ ...request('2'), onWait: (m) => waits.push(m) });
    assert.deepEqual(waits, ['waiting for a free slot on endpoint "a" (1 of 1 in use, 0 waiting)']);
    a.release();
    await Promise.all([first, second]);
  });

  it('sends each request to the least loaded endpoint', async () => {
    const a = fakeEndpoint('a', 2);
    const b = fakeEndpoint('b', 2);
    const pool = new EndpointPool([a.endpoint, b.endpoint]);
    a.hold(1);
    const first = pool.chatModel('m').complete(request('1'));
    await new Promise((r) => setImmediate(r));
    await pool.chatModel('m').complete(request('2'));
    assert.deepEqual([a.calls, b.calls], [['1'], ['2']]);
    a.release();
    await first;
  });

  it('takes an endpoint out after N failures in a row, probes it after the cooldown, and lets it back in', async () => {
    const time = clock();
    const a = fakeEndpoint('a');
    const b = fakeEndpoint('b');
    const pool = new EndpointPool([a.endpoint, b.endpoint], { health: { failuresBeforeOut: 2, cooldownMs: 10_000 }, now: time.now });
    const model = pool.chatModel('m');
    a.set('fail');
    // Both idle: a (first) is picked until it is out.
    await assert.rejects(model.complete(request('1')));
    await assert.rejects(model.complete(request('2')));
    assert.deepEqual(pool.status().map((s) => s.healthy), [false, true]);
    for (let i = 3; i <= 5; i++) await model.complete(request(String(i)));
    assert.deepEqual(a.calls, ['1', '2']);
    assert.deepEqual(b.calls, ['3', '4', '5']);

    time.advance(10_000);
    a.set('ok');
    a.hold(1);
    const probe = model.complete(request('probe'));
    await new Promise((r) => setImmediate(r));
    // While the probe is out, other requests keep away from a.
    await model.complete(request('6'));
    assert.deepEqual(a.calls, ['1', '2', 'probe']);
    a.release();
    await probe;
    assert.deepEqual(pool.status().map((s) => s.healthy), [true, true]);
    await model.complete(request('7'));
    assert.equal(a.calls.at(-1), '7', 'back in: the idle first endpoint gets traffic again');
  });

  it('a failed probe keeps the endpoint out for a longer cooldown', async () => {
    const time = clock();
    const a = fakeEndpoint('a');
    const b = fakeEndpoint('b');
    const pool = new EndpointPool([a.endpoint, b.endpoint], { health: { failuresBeforeOut: 1, cooldownMs: 1000 }, now: time.now });
    a.set('fail');
    await assert.rejects(pool.chatModel('m').complete(request('1')));
    time.advance(1000);
    await assert.rejects(pool.chatModel('m').complete(request('probe')));
    assert.equal(pool.status()[0].msUntilProbe, 2000);
  });

  it('with every endpoint out, requests still go through: the dispatcher retries decide', async () => {
    const a = fakeEndpoint('a');
    const pool = new EndpointPool([a.endpoint], { health: { failuresBeforeOut: 1, cooldownMs: 60_000 } });
    a.set('fail');
    await assert.rejects(pool.chatModel('m').complete(request('1')));
    a.set('ok');
    await pool.chatModel('m').complete(request('2'));
    assert.deepEqual(a.calls, ['1', '2']);
  });

  it('a 429 pauses its endpoint for every caller; the wait is capped; others are held without a request', async () => {
    const time = clock();
    const a = fakeEndpoint('a');
    const pool = new EndpointPool([a.endpoint], { maxPauseMs: 3000, now: time.now });
    a.set('429');
    await assert.rejects(pool.chatModel('m').complete(request('1')), (e: Error) => isRateLimited(e));
    a.set('ok');
    const held = await pool.chatModel('m').complete(request('2')).catch((e: Error) => e);
    assert.ok(held instanceof Error && isRateLimited(held));
    assert.equal(retryAfterMs(held), 3000, 'Retry-After 5 s capped at 3 s');
    assert.deepEqual(a.calls, ['1']);
    time.advance(3000);
    await pool.chatModel('m').complete(request('3'));
    assert.deepEqual(a.calls, ['1', '3']);
  });

  it('a rate-limited endpoint sends traffic to another one', async () => {
    const a = fakeEndpoint('a');
    const b = fakeEndpoint('b');
    const pool = new EndpointPool([a.endpoint, b.endpoint]);
    a.set('429');
    await assert.rejects(pool.chatModel('m').complete(request('1')));
    await pool.chatModel('m').complete(request('2'));
    assert.deepEqual(b.calls, ['2']);
  });

  it('only endpoints that serve the model are used; none is a permanent error that says what to fix', async () => {
    const a = fakeEndpoint('a', 4, { models: ['x'] });
    const b = fakeEndpoint('b', 4, { models: ['m'] });
    const pool = new EndpointPool([a.endpoint, b.endpoint]);
    await pool.chatModel('m').complete(request('1'));
    assert.deepEqual([a.calls.length, b.calls.length], [0, 1]);
    await assert.rejects(pool.chatModel('zzz').complete(request()), (e: Error) => e instanceof PermanentError && /no endpoint serves model "zzz"/.test(e.message));
  });
});

describe('endpoint limiter', () => {
  it('holds concurrency in FIFO order, and a waiter that aborts leaves the queue', async () => {
    const limiter = new EndpointLimiter('a', { concurrency: 1 });
    const signal = new AbortController().signal;
    const first = await limiter.acquire(1, signal);
    const order: string[] = [];
    const controller = new AbortController();
    const aborted = limiter.acquire(1, controller.signal).then(() => order.push('aborted'), () => order.push('left'));
    const second = limiter.acquire(1, signal).then((lease) => (order.push('second'), lease));
    controller.abort();
    await aborted;
    first.release();
    (await second).release();
    assert.deepEqual(order, ['left', 'second']);
    assert.equal(limiter.active, 0);
  });

  it('requests per minute: the next request waits for the bucket to refill', async () => {
    const time = clock();
    const limiter = new EndpointLimiter('a', { concurrency: 10, requestsPerMinute: 2 }, time.now);
    const signal = new AbortController().signal;
    (await limiter.acquire(0, signal)).release();
    (await limiter.acquire(0, signal)).release();
    const error = await limiter.acquire(0, signal).catch((e: Error) => e);
    assert.ok(error instanceof RateLimitedError);
    assert.equal(retryAfterMs(error), 30_000);
    time.advance(30_000);
    (await limiter.acquire(0, signal)).release();
  });

  it('tokens per minute: reserves the estimate and settles with the real count', async () => {
    const time = clock();
    const limiter = new EndpointLimiter('a', { concurrency: 10, tokensPerMinute: 1000 }, time.now);
    const signal = new AbortController().signal;
    const lease = await limiter.acquire(900, signal);
    assert.ok(limiter.holdMs(200) > 0, 'the reservation is taken');
    lease.settle(100); // used far less than reserved: 800 come back
    lease.release();
    assert.equal(limiter.holdMs(800), 0);
  });
});
