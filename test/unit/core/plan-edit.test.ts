import assert from 'node:assert/strict';
import { addSearch, editTask, removeTask } from '../../../src/core/plan-edit';
import { validatePlan } from '../../../src/core/plan';
import { refusalOf } from '../helpers';

const plan = validatePlan({
  question: 'How are tides predicted?',
  tasks: [
    { id: 'search-1', kind: 'search', description: 'Find tide tables', query: 'tide tables' },
    { id: 'search-2', kind: 'search', description: 'Find moon phases', query: 'moon phase', parent: 'search-1' },
    { id: 'analyze', kind: 'analyze', description: 'Compare', dependsOn: ['search-1', 'search-2'] },
    { id: 'synthesize', kind: 'synthesize', description: 'Write', dependsOn: ['analyze'] },
  ],
});

const problems = (fn: () => unknown): string => refusalOf(fn).join('\n');

describe('plan editing (review before it runs)', () => {
  it('changes a search’s query and description, and leaves the rest as it was', () => {
    const edited = editTask(plan, 'search-1', { query: '  harmonic constituents ', description: 'Find how tides are computed' });
    assert.equal(edited.tasks[0]!.query, 'harmonic constituents');
    assert.equal(edited.tasks[0]!.description, 'Find how tides are computed');
    assert.deepEqual(edited.tasks.slice(1), plan.tasks.slice(1));
    assert.equal(plan.tasks[0]!.query, 'tide tables', 'the plan given is not changed');
  });

  it('an empty query searches the description; only a search has a query', () => {
    assert.equal(editTask(plan, 'search-1', { query: ' ' }).tasks[0]!.query, undefined);
    assert.throws(() => editTask(plan, 'analyze', { query: 'x' }), /only a search has a query/);
  });

  it('refuses an empty description, saying which task, and an unknown task', () => {
    assert.match(problems(() => editTask(plan, 'analyze', { description: '   ' })), /tasks\[2\] \("analyze"\)\.description: a task needs a description/);
    assert.throws(() => editTask(plan, 'nope', { description: 'x' }), /there is no task "nope"/);
  });

  it('removes a task, and what depended on it goes on without it; its subtasks lose their parent', () => {
    const removed = removeTask(plan, 'search-1');
    assert.deepEqual(removed.tasks.map((t) => t.id), ['search-2', 'analyze', 'synthesize']);
    assert.deepEqual(removed.tasks.find((t) => t.id === 'analyze')!.dependsOn, ['search-2']);
    assert.equal(removed.tasks[0]!.parent, undefined);
  });

  it('refuses to remove the last task', () => {
    const one = validatePlan({ question: 'q', tasks: [{ id: 'only', kind: 'search', description: 'x' }] });
    assert.match(problems(() => removeTask(one, 'only')), /plan/);
  });

  it('adds a search with the next free id, before the tasks it feeds, feeding the analysis', () => {
    const added = addSearch(plan, { query: 'spring and neap tides' });
    const search = added.tasks[2]!;
    assert.equal(search.id, 'search-3');
    assert.equal(search.kind, 'search');
    assert.equal(search.query, 'spring and neap tides');
    assert.equal(search.description, 'Find passages about “spring and neap tides”');
    assert.deepEqual(added.tasks.find((t) => t.id === 'analyze')!.dependsOn, ['search-1', 'search-2', 'search-3']);
    assert.deepEqual(added.tasks.find((t) => t.id === 'synthesize')!.dependsOn, ['analyze'], 'the synthesis reads it through the analysis');
  });

  it('without an analysis, a new search feeds the synthesis; an empty one is refused', () => {
    const flat = validatePlan({ question: 'q', tasks: [{ id: 's', kind: 'search', description: 'x' }, { id: 'w', kind: 'synthesize', description: 'write', dependsOn: ['s'] }] });
    assert.deepEqual(addSearch(flat, { query: 'more' }).tasks.find((t) => t.id === 'w')!.dependsOn, ['s', 'search-1']);
    assert.match(problems(() => addSearch(flat, { query: '  ' })), /needs words to search for/);
  });

  it('refuses an edit beyond the task limit', () => {
    assert.match(problems(() => addSearch(plan, { query: 'one more' }, { maxTasks: 4 })), /more than the maximum of 4|at most 4/);
  });
});
