import assert from 'node:assert/strict';
import { PlanValidationError, validatePlan } from '../../../src/core/plan';
import { refusalOf, task } from '../helpers';

const problems = (input: unknown, options?: Parameters<typeof validatePlan>[1]): string[] => refusalOf(() => validatePlan(input, options));

describe('plan validation', () => {
  it('accepts a valid plan and fills defaults', () => {
    const plan = validatePlan({ question: 'q', tasks: [task('a'), task('b', ['a'], { kind: 'synthesize', priority: 9 })] });
    assert.equal(plan.tasks[0]!.priority, 5);
    assert.deepEqual(plan.tasks[1]!.dependsOn, ['a']);
  });

  it('rejects an empty plan and an empty question', () => {
    assert.match(problems({ question: 'q', tasks: [] }).join(), /no tasks/);
    assert.match(problems({ question: '   ', tasks: [task('a')] }).join(), /question is empty/);
  });

  it('names the task with a duplicate id', () => {
    assert.deepEqual(problems({ question: 'q', tasks: [task('a'), task('a')] }), ['task "a": the id is used by more than one task']);
  });

  it('names unknown and self dependencies', () => {
    const found = problems({ question: 'q', tasks: [task('a', ['ghost']), task('b', ['b'])] });
    assert.ok(found.includes('task "a" depends on unknown task "ghost"'), found.join());
    assert.ok(found.includes('task "b" depends on itself'), found.join());
  });

  it('names every task on a cycle, in order', () => {
    const found = problems({ question: 'q', tasks: [task('x'), task('a', ['c']), task('b', ['a']), task('c', ['b'])] });
    assert.equal(found.length, 1);
    assert.match(found[0]!, /form a cycle/);
    for (const id of ['a', 'b', 'c']) assert.ok(found[0]!.includes(`"${id}"`), found[0]);
    assert.ok(!found[0]!.includes('"x"'), 'a task off the cycle is not named');
  });

  it('rejects more tasks than the configured maximum', () => {
    const tasks = Array.from({ length: 11 }, (_, i) => task(`t${i}`));
    assert.match(problems({ question: 'q', tasks }, { maxTasks: 10 }).join(), /11 tasks, more than the maximum of 10/);
    assert.doesNotThrow(() => validatePlan({ question: 'q', tasks }, { maxTasks: 11 }));
  });

  it('points schema errors at the offending task by index and id', () => {
    const found = problems({ question: 'q', tasks: [task('a'), { ...task('b'), kind: 'dance' }] });
    assert.match(found.join(), /tasks\[1\] \("b"\)\.kind/);
  });

  it('accepts dependencies on external ids (completed work kept by a replan)', () => {
    assert.doesNotThrow(() => validatePlan({ question: 'q', tasks: [task('b', ['done'])] }, { externalIds: new Set(['done']) }));
  });

  it('finds a cycle in a 10,000-task chain without overflowing the stack', () => {
    const tasks = Array.from({ length: 10_000 }, (_, i) => task(`t${i}`, [`t${(i + 1) % 10_000}`]));
    assert.match(problems({ question: 'q', tasks }, { maxTasks: 20_000 }).join(), /form a cycle/);
  });
});

describe('plan validation: number ranges', () => {
  for (const timeoutSeconds of [0.0001, 0, 1e7]) {
    it(`refuses a timeoutSeconds of ${timeoutSeconds}, naming the range`, () => {
      assert.throws(
        () => validatePlan({ question: 'q', tasks: [task('a', [], { timeoutSeconds })] }),
        (e: Error) => e instanceof PlanValidationError && /tasks\[0\] \("a"\)\.timeoutSeconds: the timeout must be 0\.1 to 86400 seconds/.test(e.message),
      );
    });
  }

  it('accepts the ends of the range', () => {
    for (const timeoutSeconds of [0.1, 86_400]) validatePlan({ question: 'q', tasks: [task('a', [], { timeoutSeconds })] });
  });
});
