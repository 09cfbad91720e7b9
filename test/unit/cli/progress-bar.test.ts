import assert from 'node:assert/strict';
import { ProgressBar } from '../../../src/cli/progress-bar';
import { Dispatcher } from '../../../src/core/dispatcher';
import { EventBus } from '../../../src/core/events';
import { validatePlan } from '../../../src/core/plan';
import { RunViewModel } from '../../../src/core/run-view-model';
import { withSimulation } from '../../../src/core/simulate';
import { task } from '../helpers';

/** A stderr stand-in that keeps what was written. */
function stream(columns = 200): NodeJS.WriteStream & { text: string } {
  const fake = { text: '', columns, write: (chunk: string) => ((fake.text += chunk), true) };
  return fake as unknown as NodeJS.WriteStream & { text: string };
}

/** A real dispatcher with simulated tasks, and the view model every front end reads. */
async function run(out: NodeJS.WriteStream, interactive: boolean) {
  const bus = new EventBus();
  const view = new RunViewModel({ runId: 'r', question: 'q', root: '.', providerLabel: 'test', concurrency: 2 });
  view.attach(bus);
  new ProgressBar(out, bus, view, interactive, false);
  const plan = {
    question: 'what\u001b[2J is it?',
    tasks: [task('a', [], { simulate: { ms: 5 } }), task('b', [], { simulate: { ms: 5, failTimes: 1 } }), task('c', ['a', 'b'], { simulate: { ms: 5 } })],
  };
  const dispatcher = new Dispatcher({ runId: 'r', plan: validatePlan(plan), executor: withSimulation(), bus, concurrency: 2, retry: { baseDelayMs: 1 } });
  await dispatcher.run();
  return view;
}

describe('CLI progress bar', () => {
  it('without a terminal prints one plain line per finished or retried task, escaping control characters', async () => {
    const out = stream();
    await run(out, false);
    const lines = out.text.trimEnd().split('\n');
    assert.equal(lines[0], 'Researching: what\\x1b[2J is it? (3 tasks)');
    assert.ok(lines.some((l) => /^↻ b — attempt 1 failed: simulated failure 1 of 1/.test(l)), out.text);
    for (const id of ['a', 'b', 'c']) assert.ok(lines.some((l) => new RegExp(`^✔ ${id} \\(\\d+\\.\\d s\\) — simulated 5 ms of work$`).test(l)), `${id}: ${out.text}`);
    assert.ok(!out.text.includes('\r'), 'no bar is drawn outside a terminal');
  });

  it('on a terminal draws the bar from the view model: settled of total, what failed, elapsed', async () => {
    const out = stream();
    const view = await run(out, true);
    const bars = out.text.split('\r\u001b[K').filter((part) => part.startsWith('█') || part.startsWith('░'));
    assert.ok(bars.length > 0, out.text);
    const last = bars[bars.length - 1]!;
    const { counts } = view.snapshot();
    assert.equal(counts.COMPLETED, 3);
    assert.match(last, /^█{24} 3\/3 · 0 running · \d+\.\d s\n?$/);
  });
});
