import { appendFileSync } from 'node:fs';
import { RetryableError } from './errors';
import type { TaskExecutor } from './executor';
import { sleep } from './retry';

/**
 * Runs tasks that carry `simulate: { ms, failTimes }` without any provider: each attempt sleeps `ms`
 * (cut short by cancel), and the first `failTimes` attempts fail with a retryable error. Lets anyone
 * reproduce scheduling behaviour with their own graphs. Tasks without `simulate` go to `fallback`.
 */
export function withSimulation(fallback?: TaskExecutor): TaskExecutor {
  return async (task, context) => {
    const simulate = task.simulate;
    if (!simulate) {
      if (!fallback) throw new Error(`task "${task.id}" has no "simulate" field and no provider is configured to run it`);
      return fallback(task, context);
    }
    logAttempt(task.id, context.attempt);
    if (simulate.ms > 0) await sleep(simulate.ms, context.signal);
    if (context.attempt <= simulate.failTimes) {
      throw new RetryableError(`simulated failure ${context.attempt} of ${simulate.failTimes}`);
    }
    return { summary: `simulated ${simulate.ms} ms of work` };
  };
}

/**
 * Test and benchmark hook: with RESEARCH_SIMULATE_LOG=<file>, each simulated attempt appends
 * "<task id> <attempt>" to that file as it starts — synchronously, so a process killed a moment later
 * has still counted it. The resume tests use it to prove that no finished task runs twice.
 */
function logAttempt(taskId: string, attempt: number): void {
  const file = process.env.RESEARCH_SIMULATE_LOG;
  if (file) appendFileSync(file, `${taskId} ${attempt}\n`);
}
