import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import fc from 'fast-check';
import { parseJournal } from '../../../../src/core/journal/reader';
import { readRunMeta, writeRunMeta } from '../../../../src/core/journal/run-meta';
import { replayJournal } from '../../../../src/core/journal/replay';
import type { Plan } from '../../../../src/core/plan';
import { research } from '../../../../src/core/research';
import { resumeResearch } from '../../../../src/core/resume';
import { countingProvider, tempRoot } from './fixtures';

/** A random DAG: task i may depend only on tasks before it. */
const planArbitrary = fc
  .integer({ min: 1, max: 25 })
  .chain((n) => fc.array(fc.array(fc.nat({ max: 1000 }), { maxLength: 3 }), { minLength: n, maxLength: n }))
  .map(
    (choices): Plan => ({
      question: 'what survives a crash?',
      tasks: choices.map((deps, i) => ({
        id: `t${i}`,
        kind: 'search' as const,
        description: `task ${i}`,
        dependsOn: i === 0 ? [] : [...new Set(deps.map((c) => `t${c % i}`))],
        priority: 5,
      })),
    }),
  );

describe('journal (property)', function () {
  this.timeout(120_000);

  it('a journal cut at any byte loads as a prefix of its records, and a resume from it never loses or repeats a completed task', async () => {
    await fc.assert(
      fc.asyncProperty(planArbitrary, fc.double({ min: 0, max: 1, noNaN: true }), fc.integer({ min: 1, max: 4 }), async (plan, cut, concurrency) => {
        const root = tempRoot('rd-journal-prop-');
        const original = countingProvider();
        await research({ question: plan.question, root, provider: original, plan, runId: 'run', concurrency, journal: true });
        const runDir = path.join(root, '.research', 'run');
        const whole = readFileSync(path.join(runDir, 'journal.jsonl'));
        const all = parseJournal(whole).records;

        const offset = Math.floor(cut * whole.length);
        const loaded = parseJournal(whole.subarray(0, offset));
        assert.deepEqual(loaded.records, all.slice(0, loaded.records.length), 'the records read are a prefix of those written');
        // Every whole line before the cut is read, and the cut line only when nothing but its newline is missing.
        const text = whole.subarray(0, offset).toString('utf8');
        const wholeLines = text.split('\n').length - 1;
        const cutLine = whole.toString('utf8').split('\n')[wholeLines] ?? '';
        const expected = wholeLines + (text.endsWith(cutLine) && cutLine !== '' && !text.endsWith('\n') ? 1 : 0);
        assert.equal(loaded.records.length, expected);
        if (loaded.records.length === 0) return; // killed before the plan was written: nothing to resume

        // The crashed copy: the cut journal and a run.json still saying "running".
        const crashed = tempRoot('rd-journal-prop-crash-');
        const crashedDir = path.join(crashed, '.research', 'run');
        mkdirSync(crashedDir, { recursive: true });
        writeFileSync(path.join(crashedDir, 'journal.jsonl'), whole.subarray(0, offset));
        copyFileSync(path.join(runDir, 'run.json'), path.join(crashedDir, 'run.json'));
        writeRunMeta(crashedDir, { ...readRunMeta(crashedDir)!, root: crashed, reportPath: path.join(crashedDir, 'report.md'), status: 'running' });
        const completedBefore = replayJournal(loaded.records).results;
        if (completedBefore.size === plan.tasks.length && loaded.records.at(-1)?.type === 'run:end') return;

        const resumed = countingProvider();
        const result = await resumeResearch({ runId: 'run', root: crashed, provider: resumed, concurrency });
        assert.equal(result.outcome, 'completed');
        for (const task of plan.tasks) {
          const runs = resumed.runs.get(task.id) ?? 0;
          assert.equal(runs, completedBefore.has(task.id) ? 0 : 1, `${task.id} ran ${runs} times after the resume`);
        }
        for (const [id, before] of completedBefore) {
          assert.deepEqual(result.tasks.find((t) => t.spec.id === id)!.result, before, `${id} keeps its result`);
        }
        const final = replayJournal(parseJournal(readFileSync(path.join(crashedDir, 'journal.jsonl'))).records);
        assert.equal(final.results.size, plan.tasks.length);
        assert.equal(final.ended?.outcome, 'completed');
      }),
      { numRuns: Number(process.env.PROPERTY_RUNS ?? 40) },
    );
  });
});
