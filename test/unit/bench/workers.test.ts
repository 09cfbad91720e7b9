import * as assert from 'node:assert/strict';
import { runWorkersBench, type WorkersConfig } from '../../../bench/benchmarks/workers';
import { requireRedisServer } from '../../support/redis-server';

/** The workers benchmark at a tiny size: every table gets its rows, whatever the numbers. */
const TINY: WorkersConfig = {
  workerCounts: [1, 2],
  perWorker: 2,
  short: { tasks: 8, ms: 5, repetitions: 1 },
  long: { tasks: 4, ms: 20, repetitions: 1 },
  latency: { tasks: 3, ms: 5 },
  cancels: 2,
};

const quiet = { quick: true, log: () => undefined };

describe('bench: workers on Redis', function () {
  this.timeout(120_000);

  it('says it was skipped, with no chart, when redis-server is not installed', async () => {
    const section = await runWorkersBench(quiet, TINY, false);
    assert.match(section.markdown, /skipped: redis-server not installed/);
    assert.deepEqual(section.charts, []);
    assert.match(section.headline.join('\n'), /skipped/);
  });

  describe('with a real redis-server and worker processes', () => {
    before(function () {
      requireRedisServer(this);
    });

    it('a tiny run writes a row per runner in each table, the cancel rows and the chart', async () => {
      const section = await runWorkersBench(quiet, TINY);
      const rows = section.markdown.split('\n').filter((line) => line.startsWith('| ') && !line.startsWith('| ---'));
      const rowsNamed = (name: string) => rows.filter((line) => line.includes(`| ${name} |`));
      for (const name of ['in-process, concurrency 2', '1 worker process × 2', 'in-process, concurrency 4', '2 worker processes × 2']) {
        // throughput, overhead under load, CPU per task
        assert.equal(rowsNamed(name).length, 3, `rows for "${name}":\n${rows.join('\n')}`);
      }
      assert.equal(rows.filter((line) => line.includes('| one task at a time |')).length, 2);
      const cancelRows = rows.filter((line) => line.includes('cancelTask →'));
      assert.equal(cancelRows.length, 3);
      assert.ok(!section.markdown.includes('n/a'), 'every cell was measured');
      assert.ok(rows.every((line) => !line.includes('NaN')));
      assert.equal(section.charts.length, 1);
      assert.equal(section.charts[0]!.file, 'workers.svg');
      assert.equal(section.headline.length, 2);
    });
  });
});
