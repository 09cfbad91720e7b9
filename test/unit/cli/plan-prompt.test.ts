import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { PassThrough } from 'node:stream';
import { formatPlan, promptForPlan } from '../../../src/cli/plan-prompt';
import { validatePlan } from '../../../src/core/plan';
import { PlanReview } from '../../../src/core/run/plan-review';

const plan = validatePlan({
  question: 'Where are the tide tables?',
  tasks: [
    { id: 'search-1', kind: 'search', description: 'Find the tables', query: 'tide tables' },
    { id: 'synthesize', kind: 'synthesize', description: 'Write the report', dependsOn: ['search-1'] },
  ],
});

function reviewOf(): PlanReview {
  return new PlanReview(plan, { maxTasks: 10, signal: new AbortController().signal, replan: async () => plan, onChange: () => undefined });
}

/** The person at the terminal: each answer is typed once the previous question was asked. */
async function answer(review: PlanReview, answers: string[], edit?: (file: string) => void): Promise<string> {
  const input = new PassThrough();
  const output = new PassThrough();
  let text = '';
  output.on('data', (chunk: Buffer) => {
    text += chunk.toString();
    if (text.endsWith('[Y/n/e] ') && answers.length > 0) input.write(`${answers.shift()}\n`);
  });
  await promptForPlan(review, { input, output, edit });
  return text;
}

describe('CLI --review: the plan on the terminal', () => {
  it('lists the plan numbered, with queries and what each task waits for', () => {
    assert.equal(
      formatPlan(plan),
      ['Plan for: Where are the tide tables? (2 tasks)', '   1. search     search-1: Find the tables — “tide tables”', '   2. synthesize synthesize: Write the report (after search-1)'].join('\n'),
    );
  });

  it('Enter runs the plan; n discards it', async () => {
    const yes = reviewOf();
    await answer(yes, ['']);
    assert.equal(await yes.decision, plan);
    const no = reviewOf();
    await answer(no, ['n']);
    assert.equal(await no.decision, undefined);
  });

  it('e edits the plan as JSON; an invalid edit says why and keeps the plan; a valid one is what runs', async () => {
    const review = reviewOf();
    let edits = 0;
    const text = await answer(review, ['e', 'e', 'y'], (file) => {
      edits++;
      const json = JSON.parse(readFileSync(file, 'utf8'));
      if (edits === 1) json.tasks[1].dependsOn = ['nowhere'];
      else json.tasks[0].query = 'tide tables harbour office';
      writeFileSync(file, JSON.stringify(json));
    });
    assert.match(text, /The edited plan was not used: .*"nowhere"/);
    assert.match(text, /The edited plan is valid\./);
    const approved = await review.decision;
    assert.equal(approved?.tasks[0]!.query, 'tide tables harbour office');
  });

  it('an answer it does not know asks again; a closed input discards', async () => {
    const review = reviewOf();
    const input = new PassThrough();
    const output = new PassThrough();
    let text = '';
    output.on('data', (chunk: Buffer) => {
      text += chunk.toString();
      if (text.endsWith('[Y/n/e] ')) {
        if (text.includes('Answer y to run')) input.end();
        else input.write('maybe\n');
      }
    });
    await promptForPlan(review, { input, output });
    assert.equal(await review.decision, undefined);
    assert.match(text, /the plan is discarded/);
  });
});
