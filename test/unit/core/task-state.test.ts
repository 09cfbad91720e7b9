import assert from 'node:assert/strict';
import { Task } from '../../../src/core/task';
import { ALL_STATES, canTransition, IllegalTransitionError, isTerminal } from '../../../src/core/task-state';
import { planOf, task } from '../helpers';

describe('task states', () => {
  it('follows the transition table and throws on an illegal change, naming the task', () => {
    const t = new Task(planOf([task('a')]).tasks[0]!);
    t.moveTo('READY');
    t.moveTo('RUNNING');
    assert.throws(() => t.moveTo('WAITING'), (e: unknown) => e instanceof IllegalTransitionError && /task 'a' cannot go from RUNNING to WAITING/.test(e.message));
    assert.equal(t.state, 'RUNNING', 'a refused transition leaves the state unchanged');
    t.moveTo('COMPLETED');
    for (const s of ALL_STATES) assert.equal(canTransition('COMPLETED', s), false, `COMPLETED → ${s} must be refused`);
  });

  it('lets failed and cancelled tasks start over, and only them', () => {
    assert.ok(canTransition('FAILED', 'PENDING'));
    assert.ok(canTransition('CANCELLED', 'PENDING'));
    assert.ok(!canTransition('RUNNING', 'PENDING'));
    assert.deepEqual(ALL_STATES.filter(isTerminal), ['COMPLETED', 'FAILED', 'CANCELLED']);
  });

  it('retries go RUNNING → RETRYING → RUNNING', () => {
    assert.ok(canTransition('RUNNING', 'RETRYING'));
    assert.ok(canTransition('RETRYING', 'RUNNING'));
    assert.ok(!canTransition('RETRYING', 'COMPLETED'), 'a backing-off task has no result to complete with');
  });
});
