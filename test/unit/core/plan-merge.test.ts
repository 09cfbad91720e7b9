import assert from 'node:assert/strict';
import { validatePlan, type Plan, type TaskSpec } from '../../../src/core/plan';
import { mergePlan, type RunTaskState } from '../../../src/core/plan-merge';
import type { TaskState } from '../../../src/core/task-state';
import { refusalOf, task } from '../helpers';

/** A run's tasks in the given states, from specs written the short way. */
function run(...tasks: [ReturnType<typeof task>, TaskState][]): RunTaskState[] {
  const plan = validatePlan({ question: 'q', tasks: tasks.map(([spec]) => spec) });
  return plan.tasks.map((spec, i) => ({ spec, state: tasks[i]![1] }));
}

const plan = (...tasks: ReturnType<typeof task>[]): Plan => ({ question: 'q2', tasks: tasks as TaskSpec[] });

const refusal = (fn: () => unknown): string => refusalOf(fn).join('\n');

describe('plan merge (replan)', () => {
  it('adds new tasks, keeps listed ones, and drops unfinished tasks the new plan leaves out', () => {
    const current = run([task('a'), 'COMPLETED'], [task('b'), 'WAITING'], [task('c'), 'READY']);
    const merge = mergePlan(current, plan(task('b'), task('d', ['a'])), 10);
    assert.equal(merge.question, 'q2');
    assert.deepEqual(merge.added, ['d']);
    assert.deepEqual(merge.kept, ['b']);
    assert.deepEqual(merge.dropped, ['c'], 'a is completed: kept although the new plan leaves it out');
    assert.deepEqual(
      merge.changes.map((c) => [c.kind, c.spec.id]),
      [['update', 'b'], ['add', 'd']],
      'in the proposed order',
    );
  });

  it('never changes a task that finished or is in flight, and queues failed or cancelled ones again', () => {
    const current = run([task('done'), 'COMPLETED'], [task('busy'), 'RUNNING'], [task('broke'), 'FAILED'], [task('stopped'), 'CANCELLED']);
    const changed = { description: 'new words' };
    const merge = mergePlan(current, plan(task('done', [], changed), task('busy', [], changed), task('broke', [], changed), task('stopped')), 10);
    assert.deepEqual(
      merge.changes.map((c) => (c.kind === 'update' ? [c.spec.id, c.requeue, c.spec.description] : [c.spec.id])),
      [['broke', true, 'new words'], ['stopped', true, 'task stopped']],
    );
    assert.deepEqual(merge.kept, ['done', 'busy', 'broke', 'stopped']);
  });

  it('lets new tasks depend on completed work the new plan does not list', () => {
    const merge = mergePlan(run([task('a'), 'COMPLETED']), plan(task('b', ['a'])), 10);
    assert.deepEqual(merge.added, ['b']);
  });

  it('refuses a dependency on a task that is neither in the new plan nor completed', () => {
    assert.match(refusal(() => mergePlan(run([task('a'), 'FAILED']), plan(task('b', ['a'])), 10)), /unknown task "a"/);
  });

  it('refuses a plan that would pass the task limit with the tasks already in the run', () => {
    const current = run([task('a'), 'COMPLETED'], [task('b'), 'COMPLETED']);
    assert.match(refusal(() => mergePlan(current, plan(task('c'), task('d')), 3)), /bring the run to 4 tasks, more than the maximum of 3/);
  });

  it('refuses a cycle through a task it cannot change, naming it', () => {
    // The new plan alone is acyclic, but "a" runs with its old spec, which depends on "x".
    const current = run([task('x'), 'WAITING'], [task('a', ['x']), 'RUNNING']);
    const text = refusal(() => mergePlan(current, plan(task('x', ['a']), task('a')), 10));
    assert.match(text, /already finished or running/);
    assert.match(text, /"x"/);
  });

  it('refuses an invalid plan as validation would, changing nothing', () => {
    const current = run([task('a'), 'READY']);
    assert.match(refusal(() => mergePlan(current, { question: ' ', tasks: [] }, 10)), /question/);
    assert.equal(current[0]!.state, 'READY');
  });
});
