import assert from 'node:assert/strict';
import { validatePlan, type Plan, type TaskSpec } from '../../../../src/core/plan';
import type { TaskSnapshot } from '../../../../src/core/task';
import type { TaskState } from '../../../../src/core/task-state';
import { planResearch, replanResearch } from '../../../../src/providers/offline/planner';
import { searchTerms } from '../../../../src/providers/offline/search-terms';

function searches(plan: Plan): TaskSpec[] {
  return plan.tasks.filter((task) => task.kind === 'search');
}

/**
 * The question's own parts search disjoint words, and the search of the whole question (first, when
 * it has several parts) all of them; aspects search the question's subject, each narrowed by words of
 * its own that no other facet searches.
 */
function assertDisjointQueries(tasks: readonly TaskSpec[]): void {
  const owner = new Map<string, string>();
  const claim = (text: string, id: string) => {
    for (const term of searchTerms(text)) {
      assert.ok(!owner.has(term), `"${term}" is searched by both ${owner.get(term)} and ${id}`);
      owner.set(term, id);
    }
  };
  const parts = tasks.filter((task) => !task.focus);
  const whole = parts.length > 1 ? parts[0] : undefined;
  for (const task of tasks) {
    assert.ok(task.query, `${task.id} has a query`);
    if (!task.focus && task !== whole) claim(task.query, task.id);
  }
  // A part of one word has no facet of its own: the whole question carries it.
  const subject = new Set([...owner.keys(), ...(whole ? searchTerms(whole.query!) : [])]);
  for (const task of tasks.filter((t) => t.focus)) {
    assert.ok([...searchTerms(task.query!)].every((term) => subject.has(term)), `${task.id} searches the question's subject`);
    claim(task.focus!, task.id);
  }
}

function snapshot(spec: TaskSpec, state: TaskState, result?: TaskSnapshot['result']): TaskSnapshot {
  return { spec, state, attempts: state === 'PENDING' ? 0 : 1, retries: 0, busyMs: 0, result };
}

describe('offline planner', () => {
  it('decomposes a one-topic question into 3–5 facet searches, an analysis and a synthesis that validate', () => {
    const plan = planResearch('How does the scheduler work?', 100);
    const found = searches(plan);
    assert.ok(found.length >= 3 && found.length <= 5, `${found.length} searches`);
    assert.deepEqual(found.map((t) => t.id), found.map((_, i) => `search-${i + 1}`));
    assert.deepEqual(plan.tasks.slice(-2).map((t) => [t.id, t.kind, t.dependsOn]), [
      ['analyze', 'analyze', found.map((t) => t.id)],
      ['synthesize', 'synthesize', ['analyze']],
    ]);
    assert.ok(plan.tasks.length - 1 >= 3 && plan.tasks.length - 1 <= 6, 'three to six subtasks before the synthesis');
    assert.ok(found.every((t) => t.facet && t.dependsOn.length === 0));
    assert.equal(found[0].query, 'scheduler work');
    assertDisjointQueries(found);
    assert.deepEqual(validatePlan(plan), plan);
  });

  it('keeps every aspect on the subject: it searches the question and is narrowed by its own words', () => {
    const plan = planResearch('How does the dispatcher schedule tasks?', 100);
    const aspects = searches(plan).filter((t) => t.focus);
    assert.ok(aspects.length >= 2, `${aspects.length} aspects`);
    for (const aspect of aspects) assert.equal(aspect.query, 'dispatcher schedule tasks', `${aspect.id} searches the subject`);
    assert.ok(aspects.every((t) => !searchTerms(t.focus!).has('dispatcher')), 'the subject is not repeated in the focus');
    assertDisjointQueries(searches(plan));
  });

  it('searches a question of several parts whole first, then each part (split on conjunctions, commas and "vs")', () => {
    const plan = planResearch('Compare the retry policy vs the rate limiter, and how retry delays are capped', 100);
    const found = searches(plan);
    assert.deepEqual(found.map((t) => t.query), ['Compare retry policy rate limiter delays capped', 'Compare retry policy', 'rate limiter', 'delays capped']);
    assert.equal(found[0].facet, 'The whole question');
    assert.ok(found[0].priority! > found[1].priority!, 'the whole question is searched first');
    assertDisjointQueries(found);
  });

  it('leaves a part of one word to the whole question: "readable, colourful logs" is one topic', () => {
    const found = searches(planResearch('How can I get readable, colourful logs in my terminal?', 100));
    assert.deepEqual(found.filter((t) => !t.focus).map((t) => t.query), ['readable colourful logs terminal', 'colourful logs terminal']);
    assertDisjointQueries(found);
  });

  it('keeps a called name even when it is a stop word: describe() and it() are searched', () => {
    const found = searches(planResearch('Can I write suite() and test() instead of describe() and it()?', 100));
    assert.equal(found[0].query, 'write suite() test() describe() it()');
    assert.ok(searchTerms(found[0].query!).has('describ') && searchTerms(found[0].query!).has('it'), [...searchTerms(found[0].query!)].join(' '));
    // Brackets around words still part the question.
    assert.deepEqual(searches(planResearch('How is the queue (the ready heap) ordered?', 100)).filter((t) => !t.focus).map((t) => t.query), ['queue ready heap ordered', 'ready heap']);
  });

  it('folds facets beyond five into the last and respects maxTasks', () => {
    const plan = planResearch('alpha beta, gamma delta, epsilon zeta, eta theta, iota kappa and lambda mu', 100);
    const found = searches(plan);
    assert.equal(found.length, 5);
    assert.equal(found[0].query, 'alpha beta gamma delta epsilon zeta eta theta iota kappa lambda mu');
    assert.equal(found[4].query, 'eta theta iota kappa lambda mu');
    assert.equal(searches(planResearch('alpha beta, gamma delta, epsilon zeta', 4)).length, 2);
    assert.throws(() => planResearch('alpha', 2), /at least a search, an analysis and a synthesis/);
  });

  it('refuses an empty question, or one with nothing to search for, with a clear message', () => {
    assert.throws(() => planResearch('   \n', 100), /question is empty/);
    assert.throws(() => planResearch('How is it?', 100), /no words to search for/);
  });

  describe('replan', () => {
    // Three searches: the two topics of the question and an overview.
    const original = planResearch('How does the scheduler handle retries and rate limits?', 100);
    const byId = new Map(original.tasks.map((t) => [t.id, t]));
    const done = { summary: 'found', findings: [] };
    assert.equal(searches(original).length, 3);
    const tasks = [
      snapshot(byId.get('search-1')!, 'COMPLETED', done),
      snapshot(byId.get('search-2')!, 'FAILED'),
      snapshot(byId.get('search-3')!, 'RUNNING'),
      snapshot(byId.get('analyze')!, 'WAITING'),
      snapshot(byId.get('synthesize')!, 'WAITING'),
    ];

    it('keeps completed tasks as they were, adds facets from the instruction and a fresh analysis and synthesis', () => {
      const plan = replanResearch({ question: original.question, tasks, instruction: 'also look at the journal format' }, 100);
      assert.deepEqual(plan.tasks[0], byId.get('search-1'));
      const ids = plan.tasks.map((t) => t.id);
      assert.equal(new Set(ids).size, ids.length);
      assert.ok(!ids.includes('analyze') && !ids.includes('synthesize'), 'the unfinished analysis and synthesis are replaced');
      const added = plan.tasks.filter((t) => !byId.has(t.id) && t.kind === 'search');
      assert.deepEqual(added.map((t) => [t.id, t.query]), [['search-4', 'journal format']]);
      const analyze = plan.tasks.find((t) => t.id === 'analyze-2');
      assert.deepEqual(analyze?.dependsOn, ['search-1', 'search-2', 'search-3', 'search-4']);
      assert.deepEqual(plan.tasks.find((t) => t.id === 'synthesize-2')?.dependsOn, ['analyze-2']);
      assertDisjointQueries(searches(plan));
      validatePlan(plan, { externalIds: new Set(['search-1']) });
    });

    it('broadens with new terms when the instruction is empty, and numbers later rounds on', () => {
      const plan = replanResearch({ question: original.question, tasks, instruction: '' }, 100);
      const added = plan.tasks.filter((t) => !byId.has(t.id) && t.kind === 'search');
      assert.ok(added.length >= 1 && added.length <= 2);
      assertDisjointQueries(searches(plan));

      const finished = plan.tasks.map((spec) => snapshot(spec, 'COMPLETED', done));
      const third = replanResearch({ question: original.question, tasks: finished, instruction: 'tests' }, 100);
      const ids = third.tasks.map((t) => t.id);
      assert.ok(ids.includes('analyze-2') && ids.includes('synthesize-2'), 'completed rounds are kept');
      assert.ok(ids.includes('analyze-3') && ids.includes('synthesize-3'));
      assert.equal(new Set(ids).size, ids.length);
    });
  });
});
