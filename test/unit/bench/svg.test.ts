import * as assert from 'node:assert/strict';
import { barChart, escapeXml, lineChart, ticks } from '../../../bench/svg';
import { createContext, createStub } from '../../support/vscode-stub';

describe('bench: SVG charts', () => {
  it('draws one polyline per series with a point per finite value, leaving NaN out', () => {
    const svg = lineChart({
      title: 'Time <per> task & more',
      xLabel: 'n',
      yLabel: 'µs',
      x: [1_000, 10_000, 100_000],
      series: [
        { name: 'a', values: [10, 12, 15] },
        { name: 'b', values: [5, NaN, 9] },
      ],
      logX: true,
      logY: true,
    });
    assert.match(svg, /^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
    assert.match(svg, /<\/svg>\n$/);
    assert.ok(svg.includes('<title>Time &lt;per&gt; task &amp; more</title>'));
    assert.equal((svg.match(/<polyline /g) ?? []).length, 2);
    assert.equal((svg.match(/<circle /g) ?? []).length, 5);
    assert.ok(!svg.includes('NaN'));
  });

  it('draws a bar per finite value and the reference line', () => {
    const svg = barChart({
      title: 'ratio',
      yLabel: '×',
      groups: ['c=2', 'c=4'],
      series: [
        { name: 'x', values: [1.1, 1.2] },
        { name: 'y', values: [1.5, NaN] },
      ],
      reference: { value: 1, label: 'bound' },
    });
    assert.equal((svg.match(/<rect x=/g) ?? []).length - 2, 3); // minus the two legend swatches
    assert.ok(svg.includes('stroke-dasharray'));
    assert.ok(!svg.includes('NaN'));
  });

  it('puts ticks on round numbers covering the range', () => {
    assert.deepEqual(ticks(0, 9, false), [0, 2, 4, 6, 8, 10]);
    assert.deepEqual(ticks(3, 2_000, true), [1, 10, 100, 1_000, 10_000]);
    assert.equal(escapeXml(`"a" & 'b'`), '&quot;a&quot; &amp; &apos;b&apos;');
  });
});

/** What the stub promises: any property, any call. */
type Anything = { [key: string]: Anything } & ((...args: unknown[]) => Anything);

describe('bench: vscode stub', () => {
  it('answers any chain of properties and calls, is not a thenable, and keeps subclass methods', async () => {
    const vscode = createStub() as unknown as Anything;
    const channel = vscode.window.createOutputChannel('x', { log: true });
    channel.appendLine('hello');
    assert.equal(await Promise.resolve(vscode.workspace).then(() => 'resolved'), 'resolved');
    class Item extends (vscode.TreeItem as unknown as new (label: string) => object) {
      label(): string {
        return 'mine';
      }
    }
    assert.equal(new Item('x').label(), 'mine');
    const context = createContext();
    context.subscriptions.push({ dispose: () => undefined });
    assert.equal(context.subscriptions.length, 1);
  });
});
