import * as assert from 'node:assert/strict';
import { VirtualClock } from '../../../bench/support/virtual-clock';

describe('bench: virtual clock', () => {
  it('adds up sleeps in sequence and overlaps sleeps in parallel, in virtual time', async () => {
    const clock = new VirtualClock();
    const woke: string[] = [];
    const sequence = await clock.run(async () => {
      await clock.sleep(100);
      woke.push('a');
      await clock.sleep(50);
      woke.push('b');
      return 'done';
    });
    assert.deepEqual(sequence, { value: 'done', elapsed: 150 });
    const parallel = await clock.run(() =>
      Promise.all([
        clock.sleep(300).then(() => woke.push('slow')),
        clock.sleep(20).then(() => woke.push('fast')),
        clock.sleep(20).then(() => woke.push('fast too')),
      ]),
    );
    assert.equal(parallel.elapsed, 300);
    assert.deepEqual(woke, ['a', 'b', 'fast', 'fast too', 'slow']);
    assert.equal(clock.now, 450);
  });

  it('refuses work that waits on a real timer instead of hanging', async () => {
    const clock = new VirtualClock();
    await assert.rejects(
      clock.run(() => new Promise((resolve) => setTimeout(resolve, 60_000).unref())),
      /waits on something other than the virtual clock/,
    );
  });
});
