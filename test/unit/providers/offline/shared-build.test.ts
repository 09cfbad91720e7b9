import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { SharedBuild } from '../../../../src/providers/offline/shared-build';

/** A build that waits until released (or aborted), counting how often it started. */
function gatedBuild() {
  const state = { starts: 0, signals: [] as AbortSignal[], release: () => {} };
  const build = new SharedBuild<number>(async (signal) => {
    state.starts++;
    state.signals.push(signal);
    await new Promise<void>((resolve, reject) => {
      state.release = resolve;
      signal.addEventListener('abort', () => reject(signal.reason), { once: true });
    });
    return state.starts;
  });
  return { build, state };
}

const noProgress = () => {};

describe('offline shared index build', () => {
  it('builds once for concurrent callers and remembers the value', async () => {
    const { build, state } = gatedBuild();
    const calls = [1, 2, 3].map(() => build.get(new AbortController().signal, noProgress));
    await sleep(1);
    state.release();
    assert.deepEqual(await Promise.all(calls), [1, 1, 1]);
    assert.equal(await build.get(new AbortController().signal, noProgress), 1);
    assert.equal(state.starts, 1);
  });

  it('lets one caller give up without cancelling the build for the others', async () => {
    const { build, state } = gatedBuild();
    const quitter = new AbortController();
    const first = build.get(quitter.signal, noProgress);
    const second = build.get(new AbortController().signal, noProgress);
    await sleep(1);
    quitter.abort(new Error('this task was cancelled'));
    await assert.rejects(first, /this task was cancelled/);
    assert.equal(state.signals[0].aborted, false);
    state.release();
    assert.equal(await second, 1);
  });

  it('aborts the build when the last caller gives up, and starts afresh on the next call', async () => {
    const { build, state } = gatedBuild();
    const controller = new AbortController();
    const only = build.get(controller.signal, noProgress);
    await sleep(1);
    controller.abort(new Error('run cancelled'));
    await assert.rejects(only, /run cancelled/);
    assert.equal(state.signals[0].aborted, true);
    const next = build.get(new AbortController().signal, noProgress);
    await sleep(1);
    state.release();
    assert.equal(await next, 2);
  });

  it('does not remember a failed build', async () => {
    let attempts = 0;
    const build = new SharedBuild<string>(async () => {
      attempts++;
      if (attempts === 1) throw new Error('disk hiccup');
      return 'ok';
    });
    await assert.rejects(build.get(new AbortController().signal, noProgress), /disk hiccup/);
    assert.equal(await build.get(new AbortController().signal, noProgress), 'ok');
  });
});

describe('SharedBuild progress for late callers', () => {
  it('replays the first and the latest progress to a caller that joins a build under way', async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const build = new SharedBuild<number>(async (_signal, progress) => {
      progress('Reading');
      progress('Reading: 10 so far');
      progress('Indexing', 0.5);
      await gate;
      return 7;
    });
    const early: string[] = [];
    const first = build.get(new AbortController().signal, (m) => early.push(m));
    await new Promise((resolve) => setImmediate(resolve));
    const late: [string, number?][] = [];
    const second = build.get(new AbortController().signal, (m, f) => late.push([m, f]));
    release();
    assert.deepEqual(await Promise.all([first, second]), [7, 7]);
    assert.deepEqual(early, ['Reading', 'Reading: 10 so far', 'Indexing']);
    assert.deepEqual(late, [['Reading', undefined], ['Indexing', 0.5]]);
  });
});
