import assert from 'node:assert/strict';
import type { TaskContext, TaskResult } from '../../src/core/executor';
import type { Plan, TaskSpec, TaskSpecInput } from '../../src/core/plan';
import { planSchema, PlanValidationError } from '../../src/core/plan';

/** A plan from short task descriptions: `task('b', ['a'])`. */
export function planOf(tasks: TaskSpecInput[], question = 'test question'): Plan {
  return planSchema.parse({ question, tasks });
}

export function task(id: string, dependsOn: string[] = [], extra: Partial<TaskSpecInput> = {}): TaskSpecInput {
  return { id, kind: 'search', description: `task ${id}`, dependsOn, ...extra };
}

/**
 * An executor whose attempts the test controls: each attempt waits until the test resolves or
 * rejects it by task id, and honours its abort signal. Records what ran and what overlapped.
 */
export class ControlledExecutor {
  readonly started: string[] = [];
  readonly finished: string[] = [];
  active = 0;
  maxActive = 0;
  private readonly pending = new Map<string, { resolve: (r: TaskResult) => void; reject: (e: unknown) => void }>();

  readonly execute = (spec: TaskSpec, context: TaskContext): Promise<TaskResult> => {
    this.started.push(spec.id);
    this.active++;
    this.maxActive = Math.max(this.maxActive, this.active);
    return new Promise<TaskResult>((resolve, reject) => {
      const done = () => {
        this.active--;
        this.pending.delete(spec.id);
      };
      this.pending.set(spec.id, {
        resolve: (r) => (done(), this.finished.push(spec.id), resolve(r)),
        reject: (e) => (done(), reject(e)),
      });
      context.signal.addEventListener('abort', () => (done(), reject(context.signal.reason)), { once: true });
    });
  };

  isRunning(id: string): boolean {
    return this.pending.has(id);
  }

  resolve(id: string, summary = `done ${id}`): void {
    const p = this.pending.get(id);
    if (!p) throw new Error(`task ${id} is not running`);
    p.resolve({ summary });
  }

  reject(id: string, error: unknown): void {
    const p = this.pending.get(id);
    if (!p) throw new Error(`task ${id} is not running`);
    p.reject(error);
  }
}

/** The problems a PlanValidationError names, when `fn` throws one; fails the test when it is accepted. */
export function refusalOf(fn: () => unknown): string[] {
  try {
    fn();
  } catch (error) {
    assert.ok(error instanceof PlanValidationError, `expected a PlanValidationError, got ${String(error)}`);
    return error.problems;
  }
  assert.fail('it was accepted');
}
