import assert from 'node:assert/strict';
import fc from 'fast-check';
import { Dispatcher } from '../../../src/core/dispatcher';
import type { TaskExecutor } from '../../../src/core/executor';
import { RetryableError } from '../../../src/core/errors';
import { sleep } from '../../../src/core/retry';
import { planOf, task } from '../helpers';

/** A random DAG: task i may depend only on tasks before it, so there is never a cycle. */
const dagArbitrary = fc
  .integer({ min: 1, max: 40 })
  .chain((n) =>
    fc.tuple(
      fc.constant(n),
      fc.array(fc.array(fc.nat({ max: 1000 }), { maxLength: 4 }), { minLength: n, maxLength: n }),
      fc.array(fc.integer({ min: 0, max: 4 }), { minLength: n, maxLength: n }),
    ),
  )
  .map(([n, depChoices, durations]) =>
    Array.from({ length: n }, (_, i) => ({
      id: `t${i}`,
      deps: i === 0 ? [] : [...new Set(depChoices[i]!.map((c) => `t${c % i}`))],
      ms: durations[i]!,
    })),
  );

/** Records every attempt: when it started and ended, and how many ran at once. */
function recordingExecutor() {
  const log = { starts: new Map<string, number>(), ends: new Map<string, number>(), runs: new Map<string, number>(), active: 0, maxActive: 0, clock: 0 };
  const execute =
    (durations: Map<string, number>, failFirstAttempt: ReadonlySet<string> = new Set()): TaskExecutor =>
    async (spec, context) => {
      log.runs.set(spec.id, (log.runs.get(spec.id) ?? 0) + 1);
      log.starts.set(spec.id, ++log.clock);
      log.active++;
      log.maxActive = Math.max(log.maxActive, log.active);
      try {
        await sleep(durations.get(spec.id) ?? 0, context.signal);
        if (context.attempt === 1 && failFirstAttempt.has(spec.id)) throw new RetryableError('first attempt fails');
        return { summary: spec.id };
      } finally {
        log.active--;
        log.ends.set(spec.id, ++log.clock);
      }
    };
  return { log, execute };
}

describe('dispatcher properties on random DAGs', () => {
  it('runs every task exactly once, never before its dependencies, never above the limit', async () => {
    await fc.assert(
      fc.asyncProperty(dagArbitrary, fc.integer({ min: 1, max: 6 }), async (dag, concurrency) => {
        const { log, execute } = recordingExecutor();
        const plan = planOf(dag.map((t) => task(t.id, t.deps)));
        const d = new Dispatcher({ runId: 'p', plan, concurrency, executor: execute(new Map(dag.map((t) => [t.id, t.ms]))) });
        const summary = await d.run();
        assert.equal(summary.outcome, 'completed');
        for (const t of dag) {
          assert.equal(log.runs.get(t.id), 1, `${t.id} ran exactly once`);
          for (const dep of t.deps) assert.ok(log.ends.get(dep)! < log.starts.get(t.id)!, `${t.id} started after ${dep} ended`);
        }
        assert.ok(log.maxActive <= concurrency, `at most ${concurrency} at once, saw ${log.maxActive}`);
        assert.equal(log.active, 0);
      }),
      { numRuns: Number(process.env.PROPERTY_RUNS ?? 60) },
    );
  });

  it('cancel at any moment, backoffs included, leaves nothing running and every task settled', async () => {
    await fc.assert(
      fc.asyncProperty(dagArbitrary, fc.integer({ min: 1, max: 6 }), fc.integer({ min: 0, max: 15 }), fc.func(fc.boolean()), async (dag, concurrency, cancelAfterMs, failsFirst) => {
        const { log, execute } = recordingExecutor();
        const plan = planOf(dag.map((t) => task(t.id, t.deps)));
        const controller = new AbortController();
        const d = new Dispatcher({
          runId: 'p',
          plan,
          concurrency,
          signal: controller.signal,
          retry: { maxRetries: 1, baseDelayMs: 20, maxDelayMs: 20 },
          executor: execute(new Map(dag.map((t) => [t.id, t.ms + 1])), new Set(dag.map((t) => t.id).filter((id) => failsFirst(id)))),
        });
        const done = d.run();
        await sleep(cancelAfterMs);
        controller.abort();
        const startsAtCancel = [...log.runs.values()].reduce((a, b) => a + b, 0);
        const summary = await done;
        assert.equal(log.active, 0, 'no attempt is still running when the run resolves');
        assert.equal([...log.runs.values()].reduce((a, b) => a + b, 0), startsAtCancel, 'no attempt started after cancel');
        for (const t of summary.tasks) assert.ok(['COMPLETED', 'CANCELLED'].includes(t.state), `${t.spec.id} is ${t.state}`);
        assert.ok(['cancelled', 'completed'].includes(summary.outcome));
      }),
      { numRuns: Number(process.env.PROPERTY_RUNS ?? 40) },
    );
  });

  it('with random failures, no task runs after a dependency failed, and every task settles', async () => {
    await fc.assert(
      fc.asyncProperty(dagArbitrary, fc.func(fc.boolean()), async (dag, shouldFail) => {
        const ran = new Set<string>();
        const failed = new Set(dag.filter((t) => shouldFail(t.id)).map((t) => t.id));
        const plan = planOf(dag.map((t) => task(t.id, t.deps)));
        const d = new Dispatcher({
          runId: 'p',
          plan,
          concurrency: 3,
          retry: { maxRetries: 0 },
          executor: async (spec) => {
            ran.add(spec.id);
            if (failed.has(spec.id)) throw new Error('planned failure');
            return { summary: spec.id };
          },
        });
        const summary = await d.run();
        for (const t of dag) {
          if (t.deps.some((dep) => d.task(dep)!.state !== 'COMPLETED')) assert.ok(!ran.has(t.id), `${t.id} ran despite an unfinished dependency`);
        }
        for (const t of summary.tasks) assert.ok(['COMPLETED', 'FAILED', 'CANCELLED'].includes(t.state));
      }),
      { numRuns: Number(process.env.PROPERTY_RUNS ?? 60) },
    );
  });

  it('with retryable failures, every task completes after exactly its failures + 1 attempts, within the limit', async () => {
    await fc.assert(
      fc.asyncProperty(dagArbitrary, fc.integer({ min: 1, max: 4 }), fc.func(fc.integer({ min: 0, max: 2 })), async (dag, concurrency, failuresOf) => {
        const failures = new Map(dag.map((t) => [t.id, failuresOf(t.id)]));
        const attempts = new Map<string, number>();
        let active = 0;
        let maxActive = 0;
        const plan = planOf(dag.map((t) => task(t.id, t.deps)));
        const d = new Dispatcher({
          runId: 'p',
          plan,
          concurrency,
          retry: { maxRetries: 2, baseDelayMs: 2, maxDelayMs: 4 },
          executor: async (spec, context) => {
            const n = (attempts.get(spec.id) ?? 0) + 1;
            attempts.set(spec.id, n);
            active++;
            maxActive = Math.max(maxActive, active);
            try {
              await sleep(1, context.signal);
              if (n <= failures.get(spec.id)!) throw new RetryableError(`failure ${n}`);
              return { summary: spec.id };
            } finally {
              active--;
            }
          },
        });
        const summary = await d.run();
        assert.equal(summary.outcome, 'completed');
        for (const t of dag) assert.equal(attempts.get(t.id), failures.get(t.id)! + 1, t.id);
        assert.ok(maxActive <= concurrency, `at most ${concurrency} attempts at once, saw ${maxActive}`);
      }),
      { numRuns: Number(process.env.PROPERTY_RUNS ?? 40) },
    );
  });
});
