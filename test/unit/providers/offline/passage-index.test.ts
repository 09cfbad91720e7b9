import assert from 'node:assert/strict';
import { PassageIndex } from '../../../../src/providers/offline/passage-index';
import { splitIntoPassages } from '../../../../src/providers/offline/passages';

function indexOf(files: Record<string, string>): PassageIndex {
  const index = new PassageIndex();
  for (const [path, text] of Object.entries(files)) index.add(splitIntoPassages(path, text).passages);
  return index;
}

const FILES = {
  'README.md': '# Widgets\n\nThis project renders widgets on a canvas.\n\n## Colours\n\nWidgets are blue by default.\n',
  'src/render.ts': [
    'import { canvas } from "./canvas";',
    '',
    '/** Draws every widget. */',
    'export function renderWidgets(widgets: Widget[]): void {',
    '  for (const widget of widgets) canvas.draw(widget);',
    '}',
    '',
    '/** Spins a widget until it is dizzy; the spin rate is capped. */',
    'export function frobnicateWidget(widget: Widget, spin_rate_limit = 3): void {',
    '  widget.angle += Math.min(spin_rate_limit, widget.speed);',
    '}',
  ].join('\n'),
  'src/errors.ts': 'export class WidgetError extends Error {}\n\nexport function failLoudly(): never {\n  throw new WidgetError("failed");\n}\n',
  'docs/unrelated.md': 'Unrelated: the word frob appears here but not the full term.\n',
};

describe('offline passage index', () => {
  it('ranks the passage with a distinctive term first, with its exact lines', () => {
    const hits = indexOf(FILES).find('frobnicate', { limit: 5 });
    assert.ok(hits.length > 0);
    assert.deepEqual([hits[0].passage.path, hits[0].passage.startLine, hits[0].passage.endLine], ['src/render.ts', 8, 11]);
    assert.match(hits[0].passage.text, /^\/\*\* Spins a widget/);
  });

  it('finds identifiers by their parts and plurals by their singular', () => {
    const index = indexOf(FILES);
    assert.equal(index.find('rate limits', { limit: 1 })[0]?.passage.startLine, 8);
    assert.equal(index.find('colour', { limit: 1 })[0]?.passage.path, 'README.md');
  });

  it('narrows a query by a focus: passages must match both, so an aspect stays on the subject', () => {
    const index = indexOf({
      'parser.md': 'The parser reports an error for an unclosed bracket.\n',
      'renderer.md': 'The renderer draws widgets.\n\nThe renderer throws an error when the canvas is gone.\n',
    });
    const hits = index.find('renderer', { limit: 5, focus: 'error failure exception' });
    assert.deepEqual(hits.map((h) => [h.passage.path, h.passage.startLine]), [['renderer.md', 3]]);
    assert.equal(index.find('renderer', { limit: 5 }).length, 2, 'without a focus, every renderer passage');
  });

  it('ranks passages that also match the context higher, without requiring it', () => {
    const index = indexOf({
      'a.md': 'An error in the parser.\n',
      'b.md': 'An error in the widget renderer.\n',
    });
    assert.equal(index.find('error', { limit: 2, context: 'widget' })[0].passage.path, 'b.md');
    assert.equal(index.find('error', { limit: 2, context: 'parser' })[0].passage.path, 'a.md');
    assert.equal(index.find('error', { limit: 5, context: 'parser' }).length, 2);
  });

  it('finds a "Graceful shutdown" passage for "gracefully shut down", by stems and prefix', () => {
    const index = indexOf({
      'docs/lifecycle.md': '# Graceful shutdown\n\nOn SIGTERM the server stops accepting connections and drains the queue.\n',
      'docs/start.md': '# Starting\n\nThe server listens on port 8080.\n',
    });
    const hits = index.find('How do I gracefully shut down the server?', { limit: 2 });
    assert.equal(hits[0]?.passage.path, 'docs/lifecycle.md');
    assert.equal(index.find('gracefully shut down', { limit: 5 }).length, 1);
    // By the stem alone, without the prefix: "gracefully" and "Graceful" are both "grace".
    assert.equal(index.find('gracefully', { limit: 5 })[0]?.passage.path, 'docs/lifecycle.md');
    assert.equal(index.find('why it stalls', { limit: 1 }).length, 0);
    assert.equal(indexOf({ 'a.md': 'The worker stalled.\n' }).find('stalls', { limit: 1 })[0]?.passage.path, 'a.md');
  });

  it('finds a Chinese passage for a Chinese question', () => {
    const index = indexOf({
      'docs/超时.md': '# 超时设置\n\n服务器的超时时间可以在配置文件中设置，默认是三十秒。\n',
      'docs/日志.md': '# 日志\n\n日志写入标准输出，每行一个事件。\n',
      'README.md': '# Widgets\n\nThis project renders widgets.\n',
    });
    const hits = index.find('如何配置超时时间？', { limit: 3 });
    assert.equal(hits[0]?.passage.path, 'docs/超时.md');
    assert.ok(!hits.some((hit) => hit.passage.path === 'README.md'));
    assert.equal(index.find('日志写在哪里', { limit: 1 })[0]?.passage.path, 'docs/日志.md');
  });

  it('ranks a file named after the question higher, unless most passages use that name', () => {
    const notes = (word: string) => Object.fromEntries(Array.from({ length: 20 }, (_, i) => [`docs/note-${i}.md`, `Note ${i} about ${word} and gardens.`]));
    const files = { 'docs/test.md': 'A test runs once.', 'docs/pending.md': 'To skip a test, mark it pending: the runner reports it and does not run it.' };
    // "test" is rare here: the file called test.md is where tests are explained.
    assert.equal(indexOf({ ...files, ...notes('soil') }).find('skip test', { limit: 2 })[0].passage.path, 'docs/test.md');
    // In a test runner every passage says "test": the name says nothing, and the passage that says "skip" wins.
    assert.equal(indexOf({ ...files, ...notes('test') }).find('skip test', { limit: 2 })[0].passage.path, 'docs/pending.md');
  });

  it('returns nothing for a query without search terms, and caps passages per file', () => {
    const index = indexOf(FILES);
    assert.deepEqual(index.find('the and of', { limit: 5 }), []);
    const hits = index.find('widget', { limit: 10, perFile: 1 });
    assert.equal(new Set(hits.map((h) => h.passage.path)).size, hits.length);
  });
});
