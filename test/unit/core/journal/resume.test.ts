import assert from 'node:assert/strict';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { RunLockedError, RunNotFoundError } from '../../../../src/core/journal/errors';
import { deleteRun, listRuns } from '../../../../src/core/journal/history';
import { acquireRunLock } from '../../../../src/core/journal/lock';
import { loadJournal } from '../../../../src/core/journal/reader';
import { readRunMeta, writeRunMeta } from '../../../../src/core/journal/run-meta';
import { research } from '../../../../src/core/research';
import { resumeResearch, RunAlreadyCompletedError } from '../../../../src/core/resume';
import { chainPlan, countingProvider, tempRoot } from './fixtures';

const journalOf = (root: string, runId: string) => path.join(root, '.research', runId, 'journal.jsonl');

/** Cuts a finished run's journal just after `taskId`'s result, as if the process had died there, and marks run.json running. */
function crashAfterResultOf(root: string, runId: string, taskId: string, tornTail = ''): void {
  const file = journalOf(root, runId);
  const lines = readFileSync(file, 'utf8').split('\n');
  const index = lines.findIndex((line) => line.includes('"task:result"') && line.includes(`"taskId":"${taskId}"`));
  writeFileSync(file, `${lines.slice(0, index + 1).join('\n')}\n${tornTail}`);
  const dir = path.dirname(file);
  writeRunMeta(dir, { ...readRunMeta(dir)!, status: 'running', outcome: undefined });
}

describe('resumeResearch', () => {
  it('continues an interrupted run without redoing finished tasks, appending to the same journal and report', async () => {
    const root = tempRoot();
    const first = countingProvider();
    const done = await research({ question: 'q', root, provider: first, plan: chainPlan(['a', 'b', 'c', 'd']), runId: 'run-1', concurrency: 3 });
    assert.equal(done.outcome, 'completed');
    crashAfterResultOf(root, 'run-1', 'b', '{"v":1,"type":"task:st');
    assert.equal(listRuns(root, '.research')[0]!.status, 'interrupted');

    const second = countingProvider();
    const notices: string[] = [];
    const resumed = await resumeResearch({ runId: 'run-1', root, provider: second, onNotice: (m) => notices.push(m) });
    assert.equal(resumed.outcome, 'completed');
    assert.deepEqual([...second.runs.keys()].sort(), ['c', 'd'], 'only unfinished tasks ran');
    assert.equal(resumed.reportPath, done.reportPath);
    assert.match(notices.join('\n'), /ended in a line cut off by the interruption \(22 bytes\); it was removed/);

    const journal = loadJournal(journalOf(root, 'run-1'));
    assert.equal(journal.torn, undefined);
    const resume = journal.records.find((r) => r.type === 'resume');
    assert.ok(resume && resume.type === 'resume');
    assert.deepEqual(resume.restored.sort(), ['a', 'b']);
    assert.equal(resume.tornBytes, 22);
    assert.equal(journal.records.at(-1)!.type, 'run:end');
    assert.equal(journal.records.filter((r) => r.type === 'task:result' && r.taskId === 'a').length, 1, 'restored results are not journalled twice');
    const meta = readRunMeta(path.dirname(journalOf(root, 'run-1')))!;
    assert.equal(meta.status, 'ended');
    assert.equal(meta.outcome, 'completed');
    assert.equal(meta.resumedAt?.length, 1);
    assert.equal(meta.options.concurrency, 3, 'the run keeps its own settings');
    assert.equal(existsSync(path.join(root, '.research', 'run-1', 'lock')), false, 'the lock is released');
  });

  it('resumes a run cancelled with Ctrl-C: what finished stays finished, what was cut short runs', async () => {
    const root = tempRoot();
    const controller = new AbortController();
    const provider = countingProvider(async (spec, context) => {
      if (spec.id === 'a') return { summary: 'a' };
      await new Promise((_resolve, reject) => context.signal.addEventListener('abort', () => reject(context.signal.reason)));
      throw new Error('unreachable');
    });
    const cancelled = await research({
      question: 'q',
      root,
      provider,
      plan: chainPlan(['a', 'b', 'c']),
      runId: 'run-2',
      signal: controller.signal,
      onDispatcher: (d) => d.bus.on('task:state', (e) => e.taskId === 'b' && e.to === 'RUNNING' && setTimeout(() => controller.abort(), 0)),
    });
    assert.equal(cancelled.outcome, 'cancelled');
    assert.equal(listRuns(root, '.research')[0]!.status, 'cancelled');
    assert.equal(listRuns(root, '.research')[0]!.resumable, true);

    const again = countingProvider();
    const resumed = await resumeResearch({ runId: 'run-2', root, provider: again });
    assert.equal(resumed.outcome, 'completed');
    assert.deepEqual([...again.runs.keys()].sort(), ['b', 'c']);
    assert.doesNotMatch(readFileSync(resumed.reportPath, 'utf8'), /This report is partial/);
  });

  it('says what is wrong: unknown run (with the closest ids), a completed run (with its report), a run driven elsewhere', async () => {
    const root = tempRoot();
    const done = await research({ question: 'q', root, provider: countingProvider(), plan: chainPlan(['a']), runId: '20261125-010203-abcd' });
    await assert.rejects(resumeResearch({ runId: '20261125-010203-abce', root, provider: countingProvider() }), (error: Error) => {
      assert.ok(error instanceof RunNotFoundError);
      assert.match(error.message, /there is no run "20261125-010203-abce" in .*\.research; did you mean "20261125-010203-abcd"\?/);
      return true;
    });
    await assert.rejects(resumeResearch({ runId: '../../etc', root, provider: countingProvider() }), /"\.\.\/\.\.\/etc" is not a run id/);
    await assert.rejects(resumeResearch({ runId: '20261125-010203-abcd', root, provider: countingProvider() }), (error: Error) => {
      assert.ok(error instanceof RunAlreadyCompletedError);
      assert.equal(error.reportPath, done.reportPath);
      return true;
    });

    crashAfterResultOf(root, '20261125-010203-abcd', 'a');
    writeFileSync(journalOf(root, '20261125-010203-abcd'), '');
    await assert.rejects(resumeResearch({ runId: '20261125-010203-abcd', root, provider: countingProvider() }), /stopped before its plan was written; start it again/);

    const root2 = tempRoot();
    await research({ question: 'q', root: root2, provider: countingProvider(), plan: chainPlan(['a', 'b']), runId: 'run-3' });
    crashAfterResultOf(root2, 'run-3', 'a');
    const held = acquireRunLock(path.join(root2, '.research', 'run-3'), 'run-3');
    try {
      await assert.rejects(resumeResearch({ runId: 'run-3', root: root2, provider: countingProvider() }), RunLockedError);
      assert.equal(listRuns(root2, '.research')[0]!.status, 'running');
      assert.throws(() => deleteRun(root2, '.research', 'run-3'), RunLockedError);
    } finally {
      held.release();
    }
    deleteRun(root2, '.research', 'run-3');
    assert.deepEqual(listRuns(root2, '.research'), []);
  });
});

describe('run history', () => {
  it('lists runs newest first with question, dates, outcome, tasks and usage; derives them from the journal when run.json is gone', async () => {
    const root = tempRoot();
    const withUsage = countingProvider(async (spec) => ({ summary: spec.id, usage: { inputTokens: 100, outputTokens: 20, costUsd: 0.5 } }));
    await research({ question: 'first question', root, provider: withUsage, plan: chainPlan(['a', 'b'], 'first question'), runId: '20261125-000001-aaaa' });
    await new Promise((r) => setTimeout(r, 5));
    await research({ question: 'second question', root, provider: countingProvider(), plan: chainPlan(['a'], 'second question'), runId: '20261125-000002-bbbb' });
    writeFileSync(path.join(root, '.research', 'old-run'), 'not a folder');
    const [second, first] = listRuns(root, '.research');
    assert.equal(second!.question, 'second question');
    assert.equal(first!.question, 'first question');
    assert.equal(first!.status, 'completed');
    assert.equal(first!.hasReport, true);
    assert.deepEqual(first!.tasks, { total: 2, completed: 2, failed: 0, cancelled: 0 });
    assert.deepEqual(first!.usage, { inputTokens: 200, outputTokens: 40, costUsd: 1 });
    assert.equal(first!.resumable, false);

    rmSync(path.join(first!.dir, 'run.json'));
    const derived = listRuns(root, '.research').find((r) => r.runId === first!.runId)!;
    assert.equal(derived.question, 'first question');
    assert.equal(derived.status, 'completed');
    assert.equal(derived.tasks?.completed, 2);
  });
});

describe('interrupted runs (what the extension offers to resume after a reload)', () => {
  it('lists runs that stopped without ending and nobody drives; not completed, cancelled or live ones', async () => {
    const { interruptedRuns } = await import('../../../../src/core/journal/history');
    const root = tempRoot();
    for (const id of ['done', 'crashed', 'live']) {
      await research({ question: `question ${id}`, root, provider: countingProvider(), plan: chainPlan(['a', 'b'], `question ${id}`), runId: id });
    }
    crashAfterResultOf(root, 'crashed', 'a');
    crashAfterResultOf(root, 'live', 'a');
    const held = acquireRunLock(path.join(root, '.research', 'live'), 'live');
    try {
      const found = interruptedRuns(root, '.research');
      assert.deepEqual(found.interrupted.map((r) => r.runId), ['crashed']);
      assert.equal(found.interrupted[0]!.question, 'question crashed');
      assert.equal(found.stillHeld, 1);
    } finally {
      held.release();
    }
    assert.deepEqual(interruptedRuns(root, '.research').interrupted.map((r) => r.runId).sort(), ['crashed', 'live']);
    assert.deepEqual(interruptedRuns(path.join(root, 'nowhere'), '.research'), { interrupted: [], stillHeld: 0 });
  });
});

describe('research() journalling', () => {
  it('never writes a new run into an existing run’s journal', async () => {
    const root = tempRoot();
    await research({ question: 'q', root, provider: countingProvider(), plan: chainPlan(['a']), runId: 'same' });
    const before = readFileSync(journalOf(root, 'same'), 'utf8');
    await assert.rejects(
      research({ question: 'q', root, provider: countingProvider(), plan: chainPlan(['a']), runId: 'same' }),
      /run same already exists in .*: resume it, or start a new run with another id/,
    );
    assert.equal(readFileSync(journalOf(root, 'same'), 'utf8'), before);
  });

  it('a folder where the journal cannot be written costs a warning, not the run', async () => {
    const root = tempRoot();
    writeFileSync(path.join(root, '.research'), 'a file where the output folder should be');
    const warnings: string[] = [];
    const { EventBus } = await import('../../../../src/core/events');
    const bus = new EventBus();
    bus.on('log', (e) => e.level === 'warn' && warnings.push(e.message));
    const outFile = path.join(tempRoot(), 'report.md');
    const result = await research({ question: 'q', root, provider: countingProvider(), plan: chainPlan(['a']), runId: 'r', bus, outFile });
    assert.equal(result.outcome, 'completed');
    assert.ok(existsSync(outFile));
    assert.match(warnings.join('\n'), /this run cannot be resumed if interrupted: its journal could not be created/);
  });
});
