import assert from 'node:assert/strict';
import { unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type * as Registry from '../../../src/extension/workspace-indexes';
import { readTextFile } from '../../../src/providers/offline/text-file';
import { makeWorkspace, removeWorkspace } from '../../support/workspace-fixture';
import { requireWithFakeVscode } from '../../support/fake-vscode';

const { WorkspaceIndexRegistry } = requireWithFakeVscode<typeof Registry>(require.resolve('../../../src/extension/workspace-indexes'));

/** A watcher the test drives: `fire` is what VS Code's would report. */
function fakeWatch() {
  const watches: { root: string; onPath: (fsPath: string) => void; disposed: boolean }[] = [];
  const watch: Registry.WatchFolder = (root, onPath) => {
    const entry = { root, onPath, disposed: false };
    watches.push(entry);
    return { dispose: () => (entry.disposed = true) };
  };
  return { watch, watches, fire: (fsPath: string) => watches.filter((w) => !w.disposed).forEach((w) => w.onPath(fsPath)) };
}

describe('extension: workspace index registry', () => {
  let root: string;
  beforeEach(async () => {
    root = await makeWorkspace({ 'a.md': 'The zephyrine kettle boils water.\n', 'b.md': 'The marigold bed is watered.\n' });
  });
  afterEach(() => removeWorkspace(root));

  it('keeps one index per folder across runs and updates only the files the watcher reported', async () => {
    const reads: string[] = [];
    const watcher = fakeWatch();
    const registry = new WorkspaceIndexRegistry({
      watch: watcher.watch,
      readText: (path, options) => {
        reads.push(path);
        return readTextFile(path, options);
      },
    });
    const index = registry.indexFor(root, '.research');
    assert.equal(registry.indexFor(root, '.research'), index, 'the same index for the next run');
    assert.equal(watcher.watches.length, 1);

    const progress: string[] = [];
    const get = () => index.get(new AbortController().signal, (message) => progress.push(message));
    await get();
    assert.equal(reads.length, 2);

    reads.length = 0;
    await writeFile(join(root, 'b.md'), 'The tulip bed is watered at dusk.\n');
    watcher.fire(join(root, 'b.md'));
    watcher.fire(join(root, '..', 'elsewhere.md')); // outside the folder: ignored
    const corpus = await get();
    assert.deepEqual(reads, [join(root, 'b.md')]);
    assert.ok(progress.includes('Updating the index: 1 changed file'), progress.join('\n'));
    assert.equal(corpus.index.find('tulip', { limit: 3 })[0]?.passage.path, 'b.md');

    // A deleted file, reported by its path: gone from the index without reading anything.
    reads.length = 0;
    await unlink(join(root, 'a.md'));
    watcher.fire(join(root, 'a.md'));
    const after = await get();
    assert.deepEqual(reads, []);
    assert.deepEqual(after.index.find('zephyrine', { limit: 3 }), []);
    registry.dispose();
    assert.ok(watcher.watches.every((w) => w.disposed));
  });

  it('makes a new index when the output folder changes, and forgets all on clear()', async () => {
    const watcher = fakeWatch();
    const registry = new WorkspaceIndexRegistry({ watch: watcher.watch });
    const first = registry.indexFor(root, '.research');
    const second = registry.indexFor(root, 'reports');
    assert.notEqual(second, first);
    assert.ok(watcher.watches[0]!.disposed);
    await assert.rejects(first.get(new AbortController().signal, () => {}), /disposed/);
    registry.clear();
    assert.ok(watcher.watches[1]!.disposed);
    assert.notEqual(registry.indexFor(root, 'reports'), second);
    registry.dispose();
  });
});
