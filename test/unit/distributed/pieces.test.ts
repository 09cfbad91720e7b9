import * as assert from 'node:assert/strict';
import { attemptUsageOf } from '../../../src/core/executor';
import { RateLimitedError, RetryableError, PermanentError, TaskTimeoutError } from '../../../src/core/errors';
import { isRateLimited, isRetryable, retryAfterMs } from '../../../src/core/retry';
import { inputsOfJob, jobInputs, parseJobData, type JobData } from '../../../src/distributed/job';
import { jobData } from '../../support/job-data';
import { jobIdFor } from '../../../src/distributed/keys';
import { policyViolation, type WorkerPolicy } from '../../../src/distributed/policy';
import { parseRedisUrl, redactRedisUrl } from '../../../src/distributed/redis-url';
import { fromErrorShape, toErrorShape } from '../../../src/distributed/remote-error';
import { SlotGate } from '../../../src/distributed/slot-gate';

describe('distributed: Redis URLs', () => {
  it('accepts redis: and rediss:, and adds the password from the environment without ever showing it', () => {
    const target = parseRedisUrl('redis://10.0.0.5:6380/2', 'p@ss word');
    assert.equal(new URL(target.url).password, encodeURIComponent('p@ss word'));
    assert.equal(target.display, 'redis://:***@10.0.0.5:6380/2');
    assert.equal(parseRedisUrl('rediss://cache.example:6379', undefined).display, 'rediss://cache.example:6379');
  });

  it('keeps a password given in the URL, and hides it in messages', () => {
    const target = parseRedisUrl('redis://user:hunter2@127.0.0.1:6379', 'other');
    assert.match(target.url, /hunter2/);
    assert.doesNotMatch(target.display, /hunter2/);
    assert.equal(redactRedisUrl('redis://:hunter2@h:1'), 'redis://:***@h:1');
  });

  it('refuses what is not a Redis URL, saying what one looks like, without echoing a password', () => {
    assert.throws(() => parseRedisUrl('http://127.0.0.1:6379'), /not a Redis URL \(it starts with http:\): e\.g\. redis:\/\/127\.0\.0\.1:6379/);
    assert.throws(() => parseRedisUrl('127.0.0.1:6379'), /not a Redis URL/);
    assert.throws(() => parseRedisUrl('not a url //x:secret@'), (error: Error) => !error.message.includes('secret'));
  });
});

describe('distributed: errors across Redis', () => {
  it('keeps what the retry policy needs: retryable, rate limited, the wait asked for', () => {
    const limited = fromErrorShape(toErrorShape(new RateLimitedError('endpoint "a" asked for a pause (429)', 1500)));
    assert.ok(isRateLimited(limited));
    assert.equal(retryAfterMs(limited), 1500);
    assert.ok(isRetryable(fromErrorShape(toErrorShape(new RetryableError('503')))));
    assert.ok(isRetryable(fromErrorShape(toErrorShape(new TaskTimeoutError(1000)))));
    const permanent = fromErrorShape(toErrorShape(new PermanentError('invalid answer after repair')));
    assert.equal(isRetryable(permanent), false);
    assert.equal(permanent.message, 'invalid answer after repair');
    assert.equal(isRetryable(fromErrorShape(toErrorShape(Object.assign(new Error('reset'), { code: 'ECONNRESET' })))), true);
  });

  it('carries what a failed attempt spent, so the dispatcher can count it', () => {
    const spent = { inputTokens: 900, outputTokens: 40, costUsd: 0.002 };
    const shape = toErrorShape(Object.assign(new RetryableError('503 after the search'), { attemptUsage: spent }));
    assert.deepEqual(shape.usage, spent);
    assert.deepEqual(attemptUsageOf(fromErrorShape(shape)), spent);
    assert.equal(toErrorShape(new Error('no usage')).usage, undefined);
  });
});

describe('distributed: job ids', () => {
  it('name the session, the task and the attempt, without the ":" BullMQ refuses', () => {
    const id = jobIdFor('20261125-1~ab12', 'search: api/keys', 3);
    assert.equal(id, '20261125-1~ab12|search%3A%20api%2Fkeys|3');
    assert.ok(!id.includes(':'));
    assert.notEqual(jobIdFor('r~1', 'a', 1), jobIdFor('r~2', 'a', 1), 'a resumed run (new session) never meets the old jobs');
  });
});

describe('distributed: a job on the wire', () => {
  it("carries every dependency's result, ids named like Object.prototype properties included", () => {
    const inputs = new Map([
      ['__proto__', { summary: 'from __proto__' }],
      ['constructor', { summary: 'from constructor' }],
      ['search-1', { summary: 'from search-1' }],
    ]);
    const arrived = parseJobData(JSON.parse(JSON.stringify(jobData({ inputs: jobInputs(inputs) }))));
    assert.deepEqual([...inputsOfJob(arrived)], [...inputs]);
  });
});

describe('distributed: the policy check before a task starts', () => {
  const job = (over: Partial<JobData> = {}): JobData =>
    jobData({ task: { id: 't', kind: 'analyze', description: 'd', dependsOn: [], priority: 5 }, provider: { id: 'openai' }, enqueuedAt: 1000, ...over });

  const policy: WorkerPolicy = { capabilities: ['search', 'analyze'], workspace: 'project', providers: ['offline', 'openai'], maxQueuedMs: 60_000 };

  it('lets a task through that this worker can and may run', () => {
    assert.equal(policyViolation(job(), policy, { now: 2000 }), undefined);
  });

  it('refuses, with a reason that says what to change', () => {
    assert.match(policyViolation(job(), policy, { now: 2000, cancelled: 'cancelled by the user' })!, /cancelled before it started \(cancelled by the user\)/);
    assert.match(policyViolation(job({ task: { ...job().task, kind: 'synthesize' } }), policy, { now: 2000 })!, /does not run "synthesize" tasks \(it runs search, analyze\)/);
    assert.match(policyViolation(job(), { ...policy, providers: ['offline'] }, { now: 2000 })!, /start it with --providers openai/);
    assert.match(policyViolation(job({ workspace: { name: 'other' } }), policy, { now: 2000 })!, /researches the folder "other" but this worker serves "project"/);
    assert.match(policyViolation(job(), policy, { now: 100_000 })!, /waited 99 s in the queue, longer than this worker accepts \(60 s\)/);
  });
});

describe('distributed: one worker process, several queues, one set of slots', () => {
  it('never runs more than its slots across queues, and hands a freed slot to the next in line', async () => {
    const concurrency = new Map<string, number>();
    const gate = new SlotGate(2, (queue, value) => concurrency.set(queue, value));
    assert.equal(gate.add('search'), 2);
    assert.equal(gate.add('analyze'), 2);
    const signal = new AbortController().signal;
    await gate.acquire('search', signal);
    await gate.acquire('analyze', signal);
    assert.equal(gate.busy, 2);
    // Full: each queue may hold what it has, and fetch nothing more.
    assert.equal(concurrency.get('search'), 1);
    assert.equal(concurrency.get('analyze'), 1);
    let third = false;
    const waiting = gate.acquire('search', signal).then(() => (third = true));
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(third, false, 'a third task waits for a slot');
    gate.release('analyze');
    await waiting;
    assert.equal(third, true);
    assert.equal(gate.busy, 2);
  });

  it('lets a task waiting for a slot go when it is cancelled', async () => {
    const gate = new SlotGate(1, () => undefined);
    gate.add('search');
    await gate.acquire('search', new AbortController().signal);
    const controller = new AbortController();
    const waiting = gate.acquire('search', controller.signal);
    controller.abort(new Error('cancelled'));
    await assert.rejects(waiting, /cancelled/);
    gate.release('search');
    assert.equal(gate.busy, 0);
  });
});
