import assert from 'node:assert/strict';
import { RateLimitedError, RetryableError } from '../../../src/core/errors';
import { backoffDelay, decideRetry, DEFAULT_RETRY_POLICY, isRetryable, retryAfterMs, sleep } from '../../../src/core/retry';

describe('retry policy', () => {
  const policy = { ...DEFAULT_RETRY_POLICY, baseDelayMs: 100, maxDelayMs: 1000, maxRetryAfterMs: 5000 };

  it('backs off exponentially with full jitter, capped', () => {
    assert.equal(backoffDelay(policy, 1, undefined, () => 0.999999), 99);
    assert.equal(backoffDelay(policy, 3, undefined, () => 0.999999), 399);
    assert.equal(backoffDelay(policy, 30, undefined, () => 0.999999), 999, 'capped at maxDelayMs');
    assert.equal(backoffDelay(policy, 3, undefined, () => 0), 0, 'full jitter reaches zero');
  });

  it('honours Retry-After, capped, never sooner, spread by a jitter of up to half of it (at most baseDelayMs)', () => {
    assert.equal(backoffDelay(policy, 1, 2500, () => 0), 2500);
    assert.equal(backoffDelay(policy, 1, 60_000, () => 0), 5000);
    assert.equal(backoffDelay(policy, 1, 2500, () => 0.999999), 2599, 'jitter bounded by baseDelayMs');
    assert.equal(backoffDelay(policy, 1, 100, () => 0.999999), 149, 'jitter bounded by half the wait');
    assert.equal(backoffDelay(policy, 1, 0, () => 0.999999), 0, 'no wait asked, none added');
  });

  it('reads retry-after-ms, Retry-After seconds and Retry-After dates', () => {
    assert.equal(retryAfterMs({ headers: new Headers({ 'retry-after-ms': '250' }) }), 250);
    assert.equal(retryAfterMs({ headers: { 'Retry-After': '3' } }), 3000);
    const now = Date.parse('2026-01-01T00:00:00Z');
    assert.equal(retryAfterMs({ headers: { 'retry-after': 'Thu, 01 Jan 2026 00:00:10 GMT' } }, now), 10_000);
    assert.equal(retryAfterMs({ headers: { 'retry-after': 'soon' } }), undefined);
    assert.equal(retryAfterMs(new RetryableError('x', 42)), 42);
  });

  describe('the retry decision (tasks and planning alike)', () => {
    const fresh = { retries: 0, rateLimitRetries: 0 };
    const half = () => 0.5;

    it('never retries what cannot succeed', () => {
      assert.deepEqual(decideRetry(policy, { status: 401 }, fresh, half), { retry: false });
    });

    it('retries a failure with an exponential backoff until maxRetries are used', () => {
      assert.deepEqual(decideRetry(policy, { status: 503 }, fresh, half), { retry: true, rateLimited: false, delayMs: 50 });
      assert.deepEqual(decideRetry(policy, { status: 503 }, { retries: 1, rateLimitRetries: 0 }, half), { retry: true, rateLimited: false, delayMs: 100 });
      assert.equal(decideRetry(policy, { status: 503 }, { retries: policy.maxRetries, rateLimitRetries: 0 }, half).retry, false);
    });

    it('counts rate limits apart: used-up failure retries do not stop a rate-limit wait, nor the reverse', () => {
      const limited = new RateLimitedError('slow down', 200);
      const afterFailures = { retries: policy.maxRetries, rateLimitRetries: 0 };
      assert.deepEqual(decideRetry(policy, limited, afterFailures, () => 0), { retry: true, rateLimited: true, delayMs: 200 });
      const afterWaits = { retries: policy.maxRateLimitRetries, rateLimitRetries: policy.maxRateLimitRetries };
      assert.equal(decideRetry(policy, limited, afterWaits, half).retry, false);
      assert.equal(decideRetry(policy, { status: 503 }, afterWaits, half).retry, true, 'the failure allowance is untouched');
    });

    it('gives up at once, saying why, when the server asks for a wait beyond the cap', () => {
      const decision = decideRetry(policy, { status: 429, headers: { 'retry-after': '3600' } }, fresh, half);
      assert.equal(decision.retry, false);
      assert.match(decision.retry ? '' : decision.why ?? '', /asked to wait 3600 s.*longer than the 5 s/);
    });
  });

  it('retries only what can succeed next time', () => {
    for (const status of [408, 409, 429, 500, 502, 503]) assert.ok(isRetryable({ status }), `${status}`);
    for (const status of [400, 401, 403, 404, 422]) assert.ok(!isRetryable({ status }), `${status}`);
    assert.ok(isRetryable({ code: 'ECONNRESET' }));
    assert.ok(isRetryable(new TypeError('fetch failed', { cause: { code: 'ECONNREFUSED' } })));
    assert.ok(isRetryable(Object.assign(new Error('x'), { name: 'APIConnectionError' })));
    assert.ok(!isRetryable(new TypeError('undefined is not a function')), 'bugs are not retried');
  });

  it('sleep ends at once on abort', async () => {
    const controller = new AbortController();
    const started = Date.now();
    setTimeout(() => controller.abort(new Error('stop')), 10);
    await assert.rejects(sleep(60_000, controller.signal), /stop/);
    assert.ok(Date.now() - started < 5000);
  });
});
