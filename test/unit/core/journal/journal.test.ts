import assert from 'node:assert/strict';
import { appendFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { Dispatcher } from '../../../../src/core/dispatcher';
import { EventBus } from '../../../../src/core/events';
import { JournalCorruptError, JournalVersionError } from '../../../../src/core/journal/errors';
import { loadJournal, parseJournal } from '../../../../src/core/journal/reader';
import { JOURNAL_VERSION } from '../../../../src/core/journal/records';
import { replayJournal } from '../../../../src/core/journal/replay';
import { readRunMeta, RUN_META_VERSION, writeRunMeta, type RunMeta } from '../../../../src/core/journal/run-meta';
import { JournalWriter } from '../../../../src/core/journal/writer';
import { planOf, task } from '../../helpers';
import { tempRoot } from './fixtures';

/** Runs a plan through a dispatcher whose events are journalled to `file`. */
async function journalledRun(file: string, plan = planOf([task('a'), task('b', ['a']), task('c', ['b'])])) {
  const bus = new EventBus();
  let progressEvents = 0;
  bus.on('task:progress', () => progressEvents++);
  const writer = JournalWriter.open({ file });
  const dispatcher = new Dispatcher({
    runId: 'r1',
    plan,
    bus,
    executor: async (spec, context) => {
      context.progress('working');
      return { summary: `done ${spec.id}`, findings: [{ source: { path: 'x.md', startLine: 1, endLine: 1 }, quote: `quote of ${spec.id}`, score: 1 }] };
    },
  });
  writer.attach(bus, () => dispatcher.plan());
  const summary = await dispatcher.run();
  writer.close();
  return { summary, progressEvents };
}

describe('journal', () => {
  it('records the plan, every state change and result, and the end — one versioned JSON line each, no progress', async () => {
    const file = path.join(tempRoot(), 'journal.jsonl');
    const { summary, progressEvents } = await journalledRun(file);
    assert.equal(summary.outcome, 'completed');
    assert.ok(progressEvents > 0);
    const text = readFileSync(file, 'utf8');
    assert.ok(text.endsWith('\n'));
    const { records, torn } = loadJournal(file);
    assert.equal(torn, undefined);
    assert.ok(records.every((r) => r.v === JOURNAL_VERSION));
    assert.equal(records[0]!.type, 'run:start');
    assert.equal(records.at(-1)!.type, 'run:end');
    assert.equal(records.filter((r) => r.type === 'task:result').length, 3);
    assert.ok(!text.includes('task:progress'));
    const run = replayJournal(records);
    assert.deepEqual([...run.results.keys()].sort(), ['a', 'b', 'c']);
    assert.equal(run.results.get('b')!.findings![0]!.quote, 'quote of b');
    assert.equal(run.ended?.outcome, 'completed');
  });

  it('tolerates a torn last line and reports it; a complete last line without its newline still counts', async () => {
    const file = path.join(tempRoot(), 'journal.jsonl');
    await journalledRun(file);
    const whole = readFileSync(file);
    const full = loadJournal(file).records;
    const lastStart = whole.lastIndexOf(0x0a, whole.length - 2) + 1;

    const torn = parseJournal(whole.subarray(0, lastStart + 10));
    assert.equal(torn.records.length, full.length - 1);
    assert.deepEqual(torn.torn, { line: full.length, bytes: 10 });
    assert.equal(torn.validBytes, lastStart);

    const noNewline = parseJournal(whole.subarray(0, whole.length - 1));
    assert.equal(noNewline.records.length, full.length);
    assert.equal(noNewline.torn, undefined);
    assert.equal(noNewline.endsWithNewline, false);
  });

  it('refuses damage in the middle, naming the line', async () => {
    const file = path.join(tempRoot(), 'journal.jsonl');
    await journalledRun(file);
    const lines = readFileSync(file, 'utf8').split('\n');
    lines[3] = '{"v":1,"type":"task:state", garbage';
    writeFileSync(file, lines.join('\n'));
    assert.throws(() => loadJournal(file), (error: Error) => {
      assert.ok(error instanceof JournalCorruptError);
      assert.match(error.message, /journal\.jsonl is damaged at line 4 \(not JSON\)/);
      return true;
    });
    lines[3] = '{"v":1,"type":"task:teleport","at":1}';
    writeFileSync(file, lines.join('\n'));
    assert.throws(() => loadJournal(file), /line 4 \(unknown record type "task:teleport"\)/);
    lines[3] = '{"v":1,"type":"task:result","taskId":"a","at":1}';
    writeFileSync(file, lines.join('\n'));
    assert.throws(() => loadJournal(file), /line 4 \(a task:result record with an invalid "result"/);
  });

  it('refuses a journal written by a newer version instead of misreading it', async () => {
    const file = path.join(tempRoot(), 'journal.jsonl');
    await journalledRun(file);
    appendFileSync(file, `${JSON.stringify({ v: JOURNAL_VERSION + 1, type: 'run:teleport', at: 1 })}\n`);
    assert.throws(() => loadJournal(file), (error: Error) => {
      assert.ok(error instanceof JournalVersionError);
      assert.match(error.message, /newer version of Research Dispatcher \(journal version 2; this version reads up to 1\): update/);
      return true;
    });
  });

  it('replay counts a task completed only once its result is journalled, and takes the plan of the latest replan', async () => {
    const file = path.join(tempRoot(), 'journal.jsonl');
    const bus = new EventBus();
    const writer = JournalWriter.open({ file });
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const dispatcher = new Dispatcher({
      runId: 'r1',
      plan: planOf([task('a'), task('b', ['a'])]),
      bus,
      executor: async (spec) => {
        if (spec.id !== 'a') await gate;
        return { summary: spec.id };
      },
    });
    writer.attach(bus, () => dispatcher.plan());
    const done = dispatcher.run();
    await new Promise((resolve) => bus.on('task:result', resolve));
    await dispatcher.replan(planOf([task('a'), task('b', ['a']), task('c', ['a'])], 'a new question'));
    release();
    await done;
    writer.close();

    const records = loadJournal(file).records;
    const replan = records.find((r) => r.type === 'run:replan');
    assert.ok(replan && replan.type === 'run:replan');
    assert.deepEqual(replan.plan.tasks.map((t) => t.id), ['a', 'b', 'c']);
    // Cut just after b's COMPLETED state: b has no result yet, so it is not completed.
    const bCompleted = records.findIndex((r) => r.type === 'task:state' && r.taskId === 'b' && r.to === 'COMPLETED');
    const run = replayJournal(records.slice(0, bCompleted + 1));
    assert.equal(run.question, 'a new question');
    assert.deepEqual(run.plan.tasks.map((t) => t.id), ['a', 'b', 'c']);
    assert.ok(run.results.has('a'));
    assert.ok(!run.results.has('b'));
    assert.equal(run.ended, undefined);
  });

  it('a journal that does not start with the plan is refused', () => {
    assert.throws(() => replayJournal([{ v: 1, type: 'resume', pid: 1, restored: [], at: 1 }]), /starts with a resume record instead of the run's plan/);
  });

  it('a write error (a full disk) is reported once, stops the journal and never breaks the run', async function () {
    // /dev/full answers every write with ENOSPC: a full disk on demand (Linux only).
    if (!existsSync('/dev/full')) this.skip();
    const errors: unknown[] = [];
    const writer = JournalWriter.open({ file: '/dev/full', onError: (e) => errors.push(e) });
    const bus = new EventBus();
    const dispatcher = new Dispatcher({ runId: 'r', plan: planOf([task('a'), task('b', ['a'])]), bus, executor: async (spec) => ({ summary: spec.id }) });
    writer.attach(bus, () => dispatcher.plan());
    const summary = await dispatcher.run();
    writer.close();
    assert.equal(summary.outcome, 'completed');
    assert.equal(errors.length, 1);
    assert.match(String(errors[0]), /ENOSPC/);
    assert.equal(writer.isOpen, false);
  });
});

describe('run.json read back', () => {
  it('takes back what a run with any accepted timeout wrote (0.15 s is 150.00000000000003 ms)', () => {
    const dir = tempRoot();
    const meta: RunMeta = {
      version: RUN_META_VERSION,
      runId: 'r',
      question: 'q',
      root: dir,
      reportPath: path.join(dir, 'report.md'),
      providerId: 'offline',
      providerLabel: 'offline',
      startedAt: 1,
      options: { concurrency: 256, taskTimeoutMs: 0.15 * 1000, maxRetries: 20, maxTasks: 1_000_000 },
      status: 'running',
    };
    writeRunMeta(dir, meta);
    assert.deepEqual(readRunMeta(dir), meta);
    writeRunMeta(dir, { ...meta, options: { concurrency: 257 } });
    assert.throws(() => readRunMeta(dir), /options\.concurrency/);
  });

  it('refuses planted follow-ups that are not text or are longer than any question', () => {
    const dir = tempRoot();
    const meta = { version: RUN_META_VERSION, runId: 'r', question: 'q', root: dir, reportPath: path.join(dir, 'report.md'), providerId: 'offline', providerLabel: 'offline', startedAt: 1, options: {}, status: 'ended' };
    for (const followUps of [[42], ['x'.repeat(4001)], 'also the tests']) {
      writeFileSync(path.join(dir, 'run.json'), JSON.stringify({ ...meta, followUps }));
      assert.throws(() => readRunMeta(dir), /followUps/, JSON.stringify(followUps).slice(0, 40));
    }
    writeFileSync(path.join(dir, 'run.json'), JSON.stringify({ ...meta, followUps: ['also the tests'] }));
    assert.deepEqual(readRunMeta(dir)?.followUps, ['also the tests']);
  });
});

describe('a planted follow-up in the journal', () => {
  const start = { v: 1, at: 1, type: 'run:start', runId: 'r', question: 'q', plan: { question: 'q', tasks: [{ id: 'a', kind: 'search', description: 'a', dependsOn: [], priority: 5 }] } };
  const journal = (resume: object) => Buffer.from(`${JSON.stringify(start)}\n${JSON.stringify({ v: 1, at: 2, type: 'resume', pid: 1, restored: [], ...resume })}\n`);

  it('is refused when it is not text or is longer than any question, naming the line', () => {
    for (const followUp of [7, 'x'.repeat(4001)]) {
      assert.throws(() => parseJournal(journal({ followUp })), (error: unknown) => error instanceof JournalCorruptError && /line 2/.test(error.message));
    }
  });

  it('starts a round of its own when it is one', () => {
    const run = replayJournal(parseJournal(journal({ followUp: 'also the tests' })).records);
    assert.deepEqual(run.rounds.map((r) => r.followUp), [undefined, 'also the tests']);
  });
});
