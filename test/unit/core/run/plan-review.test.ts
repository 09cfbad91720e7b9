import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { PlanReview } from '../../../../src/core/run/plan-review';
import { startRun } from '../../../../src/core/run/run-service';
import { createOfflineProvider } from '../../../../src/providers/offline';
import { eventually } from '../../../support/eventually';
import { makeWorkspace, removeWorkspace } from '../../../support/workspace-fixture';

const FILES = {
  'tides.md': '# Tides\n\nThe spring tide tables are pinned above the chart table in the harbour office.\n',
  'ferry.md': '# Ferry\n\nThe quokka ferry protocol requires exactly seventeen brass lanterns on every night crossing.\n',
  'lanterns.md': '# Lanterns\n\nEach brass lantern is polished on Sundays by the harbour master.\n',
};

/** A run whose plan waits for review; resolves with the handle and the review once it does. */
async function runUnderReview(root: string) {
  let review: PlanReview | undefined;
  const handle = startRun({ root, question: 'Where are the tide tables pinned?', createProvider: async () => createOfflineProvider({ root }), onReview: (r) => (review = r) });
  await eventually('the plan to wait for review', () => review);
  return { handle, review: review! };
}

describe('reviewing the plan before it runs', () => {
  let root: string;
  beforeEach(async () => (root = await makeWorkspace(FILES)));
  afterEach(() => removeWorkspace(root));

  it('shows the plan as PLANNED tasks, runs nothing, and leaves no run folder until it is approved', async () => {
    const { handle, review } = await runUnderReview(root);
    const picture = handle.view.snapshot();
    assert.equal(picture.status, 'reviewing');
    assert.ok(picture.tasks.length > 0);
    assert.ok(picture.tasks.every((t) => t.state === 'PLANNED'));
    assert.equal(picture.counts.PLANNED, picture.tasks.length);
    assert.equal(handle.review, review);
    assert.equal(existsSync(join(root, '.research', handle.runId)), false, 'nothing is written before approval');
    review.discard();
    assert.deepEqual(await handle.done, { kind: 'discarded', runId: handle.runId });
    assert.equal(handle.review, undefined);
    assert.equal(existsSync(join(root, '.research', handle.runId)), false);
    assert.equal(handle.view.snapshot().status, 'ended');
  });

  it('runs the plan as edited: a task’s words changed, a task removed, a search added; the journal records it', async () => {
    const { handle, review } = await runUnderReview(root);
    const [first, second] = review.plan.tasks.filter((t) => t.kind === 'search');
    review.editTask(first!.id, { query: 'brass lanterns', description: 'Find the lantern rules' });
    review.removeTask(second!.id);
    const added = review.addSearch('harbour master Sundays');
    assert.deepEqual(
      handle.view.snapshot().tasks.map((t) => t.id),
      review.plan.tasks.map((t) => t.id),
      'the view follows each edit',
    );
    review.approve();
    const done = await handle.done;
    assert.equal(done.kind, 'finished');
    if (done.kind !== 'finished') return;
    assert.equal(done.outcome, 'completed');
    const ids = done.tasks.map((t) => t.spec.id);
    assert.ok(!ids.includes(second!.id));
    assert.ok(ids.includes(added));
    assert.equal(done.tasks.find((t) => t.spec.id === first!.id)!.spec.description, 'Find the lantern rules');
    const start = JSON.parse(readFileSync(join(root, '.research', handle.runId, 'journal.jsonl'), 'utf8').split('\n')[0]!);
    assert.equal(start.type, 'run:start');
    assert.deepEqual(start.plan.tasks.map((t: { id: string }) => t.id), ids, 'a resume runs what was approved');
    assert.match(readFileSync(done.reportPath, 'utf8'), /seventeen brass lanterns|polished on Sundays/);
  });

  it('an invalid edit says what is wrong and changes nothing', async () => {
    const { handle, review } = await runUnderReview(root);
    const before = review.plan;
    assert.throws(() => review.editTask(before.tasks[0]!.id, { description: ' ' }), /a task needs a description/);
    assert.throws(() => review.setPlan({ question: 'q', tasks: [{ id: 'a', kind: 'search', description: 'x', dependsOn: ['a'] }] }), /depends on itself|cycle/);
    assert.equal(review.plan, before);
    review.discard();
    await handle.done;
  });

  it('asks the planner again with an instruction, then runs the new plan', async () => {
    const { handle, review } = await runUnderReview(root);
    const before = review.plan.tasks.length;
    await review.replan('also the ferry lanterns');
    assert.ok(review.plan.tasks.some((t) => t.kind === 'search' && /lantern/.test(`${t.query ?? ''} ${t.description}`)), JSON.stringify(review.plan.tasks.map((t) => t.query)));
    assert.ok(review.plan.tasks.length > before);
    review.approve();
    const done = await handle.done;
    assert.equal(done.kind === 'finished' && done.outcome, 'completed');
  });

  it('cancelling the run during the review discards the plan', async () => {
    const { handle, review } = await runUnderReview(root);
    handle.cancel();
    assert.equal((await handle.done).kind, 'discarded');
    assert.equal(review.isOpen, false);
    assert.throws(() => review.addSearch('x'), /already discarded/);
  });
});
