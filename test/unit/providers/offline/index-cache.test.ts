import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, rm, stat, unlink, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { deserialize, serialize } from 'node:v8';
import { readTextFile } from '../../../../src/providers/offline/text-file';
import { indexCacheDir, indexCacheFile, INDEX_FORMAT } from '../../../../src/providers/offline/index-cache';
import { WorkspaceIndex, type WorkspaceIndexOptions } from '../../../../src/providers/offline/workspace-index';
import { packIndex, packMiniSearch, unpackIndex } from '../../../../src/providers/offline/packed-index';
import MiniSearch from 'minisearch';
import { prefetchStamps } from '../../../../src/providers/offline/stamp-prefetch';
import { realpath } from 'node:fs/promises';
import { addFiles, makeWorkspace, removeWorkspace } from '../../../support/workspace-fixture';

const FILES = {
  'docs/kettle.md': '# Kettle\n\nThe zephyrine kettle boils water in ninety seconds.\n',
  'notes/garden.txt': 'The marigold bed needs watering every morning.\n',
  'src/pump.ts': 'export function quixotic() {\n  return "the pump primes itself";\n}\n',
  'image.bin': new Uint8Array([1, 0, 2, 0, 3]),
};

/** A WorkspaceIndex whose reads are counted by relative path. */
function indexOver(root: string, cacheDir: string | undefined, extra: Partial<WorkspaceIndexOptions> = {}) {
  const reads: string[] = [];
  const progress: string[] = [];
  const index = new WorkspaceIndex({
    root,
    maxFileBytes: 1024 * 1024,
    maxFiles: 1000,
    outputFolder: '.research',
    cacheDir,
    readText: (path, options) => {
      reads.push(relative(root, path).split('\\').join('/'));
      return readTextFile(path, options);
    },
    ...extra,
  });
  const get = () => index.get(new AbortController().signal, (message) => progress.push(message));
  return { index, reads, progress, get };
}

/** A packed index as term → field → document → frequency, whatever order the terms were packed in. */
function postingsOf(packed: ReturnType<typeof packIndex>): { header: unknown; postings: Record<string, Record<number, Record<number, number>>> } {
  const postings: Record<string, Record<number, Record<number, number>>> = {};
  for (let i = 0; i < packed.lists.length; i += 4) {
    const field: Record<number, number> = {};
    for (let at = packed.lists[i + 2]!; at < packed.lists[i + 3]!; at++) field[packed.docs[at]!] = packed.freqs[at]!;
    (postings[packed.terms[packed.lists[i]!]!] ??= {})[packed.lists[i + 1]!] = field;
  }
  return { header: packed.header, postings };
}

function paths(hits: { passage: { path: string } }[]): string[] {
  return hits.map((hit) => hit.passage.path);
}

/** Moves a file's mtime, so that a rewrite of the same size within the clock's resolution still counts. */
async function touch(file: string, secondsAhead = 10): Promise<void> {
  const when = new Date(Date.now() + secondsAhead * 1000);
  await utimes(file, when, when);
}

describe('offline index cache', () => {
  let root: string;
  let cacheDir: string;

  beforeEach(async () => {
    root = await makeWorkspace(FILES);
    cacheDir = await mkdtemp(join(tmpdir(), 'rd-index-cache-'));
  });
  afterEach(async () => {
    await removeWorkspace(root);
    await rm(cacheDir, { recursive: true, force: true });
  });

  it('round trip: a second index loads the cache, reads no unchanged file and finds the same passages', async () => {
    const first = indexOver(root, cacheDir);
    const built = await first.get();
    assert.deepEqual(first.reads.sort(), ['docs/kettle.md', 'image.bin', 'notes/garden.txt', 'src/pump.ts']);
    const expected = built.index.find('zephyrine kettle', { limit: 5 });

    const second = indexOver(root, cacheDir);
    const loaded = await second.get();
    assert.deepEqual(second.reads, [], 'unchanged files (the binary one too) are not read again');
    assert.ok(second.progress.some((m) => /Loaded the index of 3 files from the cache/.test(m)), second.progress.join('\n'));
    assert.deepEqual(loaded.index.find('zephyrine kettle', { limit: 5 }), expected);
    assert.deepEqual(loaded.stats, built.stats);
    assert.equal(loaded.stats.skipped.binary, 1);
  });

  it('a changed file is read again and its passages replaced; a new one added; a deleted one dropped', async () => {
    await indexOver(root, cacheDir).get();
    await writeFile(join(root, 'docs/kettle.md'), '# Kettle\n\nThe zephyrine kettle now whistles when the water boils.\n');
    await touch(join(root, 'docs/kettle.md'));
    await unlink(join(root, 'notes/garden.txt'));
    await addFiles(root, { 'notes/new.md': 'The obsidian lantern glows at dusk.\n' });

    const second = indexOver(root, cacheDir);
    const corpus = await second.get();
    assert.deepEqual(second.reads.sort(), ['docs/kettle.md', 'notes/new.md']);
    assert.ok(second.progress.includes('Updating the index: 3 changed files'), second.progress.join('\n'));
    assert.match(corpus.index.find('whistles', { limit: 5 })[0]!.passage.text, /now whistles/);
    assert.deepEqual(corpus.index.find('ninety seconds', { limit: 5 }), [], 'the old text is gone');
    assert.deepEqual(corpus.index.find('marigold', { limit: 5 }), [], 'the deleted file is gone');
    assert.deepEqual(paths(corpus.index.find('obsidian lantern', { limit: 5 })), ['notes/new.md']);
    assert.deepEqual(paths(corpus.index.find('quixotic', { limit: 5 })), ['src/pump.ts'], 'an unchanged file is still found');
    assert.equal(corpus.stats.textFiles, 3);
    assert.equal(corpus.stats.passages, corpus.index.size);

    // And the updated corpus was saved: a third index reads nothing.
    const third = indexOver(root, cacheDir);
    const again = await third.get();
    assert.deepEqual(third.reads, []);
    assert.deepEqual(paths(again.index.find('obsidian lantern', { limit: 5 })), ['notes/new.md']);
    assert.deepEqual(again.index.find('marigold', { limit: 5 }), []);
  });

  it('keeps passage ids unique across updates: old ids are never given to new passages', async () => {
    const live = indexOver(root, undefined);
    const first = await live.get();
    const before = first.index.nextId;
    await writeFile(join(root, 'docs/kettle.md'), '# Kettle\n\nA different kettle text.\n\nAnd a second paragraph.\n');
    await touch(join(root, 'docs/kettle.md'));
    live.index.markAllChanged();
    const second = await live.get();
    assert.equal(second.index, first.index, 'updated in place');
    assert.ok(second.index.nextId > before);
    const ids = [...(second as unknown as { files: Map<string, { firstId: number; count: number }> }).files.values()].flatMap((r) =>
      Array.from({ length: r.count }, (_, i) => r.firstId + i),
    );
    assert.equal(new Set(ids).size, ids.length);
    assert.ok(ids.every((id) => second.index.passage(id) !== undefined));
    assert.equal(second.index.size, ids.length);
  });

  it('with paths from a watcher, reads only those (an unmentioned file is trusted without a stat)', async () => {
    const live = indexOver(root, undefined);
    await live.get();
    live.reads.length = 0;
    await writeFile(join(root, 'notes/garden.txt'), 'The tulip bed needs watering every evening.\n');
    await writeFile(join(root, 'src/pump.ts'), 'export function quixotic() {\n  return "changed, but not reported";\n}\n');
    live.index.markChanged(['notes/garden.txt']);
    const corpus = await live.get();
    assert.deepEqual(live.reads, ['notes/garden.txt']);
    assert.deepEqual(paths(corpus.index.find('tulip', { limit: 5 })), ['notes/garden.txt']);
    assert.ok(live.progress.includes('Updating the index: 1 changed file'));
    // No change reported: no walk at all.
    live.progress.length = 0;
    assert.equal(await live.get(), corpus);
    assert.deepEqual(live.progress, []);
  });

  it('ignores a corrupt cache and a cache of another format, and rebuilds it', async () => {
    await indexOver(root, cacheDir).get();
    const file = indexCacheFile(cacheDir, await realpath(root));
    const good = await readFile(file);

    await writeFile(file, 'not a cache at all');
    const corrupt = indexOver(root, cacheDir);
    const rebuilt = await corrupt.get();
    assert.equal(corrupt.reads.length, 4, 'read afresh');
    assert.ok(corrupt.progress.some((m) => /The index cache was not used/.test(m)), corrupt.progress.join('\n'));
    assert.deepEqual(paths(rebuilt.index.find('zephyrine', { limit: 5 })), ['docs/kettle.md']);

    const content = deserialize(good) as { format: number };
    await writeFile(file, serialize({ ...content, format: INDEX_FORMAT + 1 }));
    const foreign = indexOver(root, cacheDir);
    await foreign.get();
    assert.equal(foreign.reads.length, 4);
    assert.ok(foreign.progress.some((m) => /not used \(made by another version\)/.test(m)), foreign.progress.join('\n'));

    // A planted passage that the index does not hold is refused, not quoted.
    const planted = deserialize(good) as { passages: { texts: string } };
    planted.passages.texts = planted.passages.texts.replace('zephyrine', 'ZEPHYRINE');
    await writeFile(file, serialize({ ...planted, passages: { ...planted.passages, texts: planted.passages.texts + 'extra' } }));
    const tampered = indexOver(root, cacheDir);
    await tampered.get();
    assert.equal(tampered.reads.length, 4);

    // And the rebuilt cache is good again.
    const after = indexOver(root, cacheDir);
    await after.get();
    assert.deepEqual(after.reads, []);
  });

  it('is written outside the folder researched, private to the user, atomically', async () => {
    await indexOver(root, cacheDir).get();
    const file = indexCacheFile(cacheDir, await realpath(root));
    assert.ok(relative(await realpath(root), file).startsWith('..'), file);
    assert.deepEqual((await readdir(root)).sort(), ['docs', 'image.bin', 'notes', 'src'], 'nothing written into the folder');
    assert.deepEqual(await readdir(join(file, '..')), ['corpus.bin'], 'no temporary file left');
    if (process.platform !== 'win32') {
      assert.equal((await stat(file)).mode & 0o777, 0o600);
      assert.equal((await stat(join(file, '..'))).mode & 0o777, 0o700);
    }
  });

  it('an index the budget cut is read afresh each time (an exact update would need every file)', async () => {
    const budget = { maxTotalBytes: 80, maxBytesPerFile: 512 * 1024, maxPassages: 200_000, maxTerms: 300_000 };
    const first = indexOver(root, cacheDir, { budget });
    const built = await first.get();
    assert.ok(built.stats.budget?.stoppedBy);
    const second = indexOver(root, cacheDir, { budget });
    const again = await second.get();
    assert.ok(second.reads.length > 0);
    assert.deepEqual(again.stats, built.stats);
  });

  it('a file cut at the per-file limit is counted again from the cache, exactly as when it was read', async () => {
    const budget = { maxTotalBytes: 20 * 1024 * 1024, maxBytesPerFile: 40, maxPassages: 200_000, maxTerms: 300_000 };
    const built = await indexOver(root, cacheDir, { budget }).get();
    assert.equal(built.stats.budget?.filesCutAtFileLimit, 3);
    const second = indexOver(root, cacheDir, { budget });
    const again = await second.get();
    assert.deepEqual(second.reads, []);
    assert.deepEqual(again.stats, built.stats);
  });

  it('is made for one set of limits: other limits read the folder afresh', async () => {
    await indexOver(root, cacheDir).get();
    const other = indexOver(root, cacheDir, { maxFileBytes: 1000 });
    await other.get();
    assert.ok(other.progress.some((m) => /made for other settings/.test(m)), other.progress.join('\n'));
  });

  it('packs an index, loaded lazily, to exactly what MiniSearch serializes, before and after changes', () => {
    const options = { fields: ['text'] };
    const search = new MiniSearch<{ id: number; text: string }>(options);
    search.addAll([
      { id: 1, text: 'kettle boils water' },
      { id: 2, text: 'water the garden, water it twice' },
      { id: 3, text: 'the kettle whistles' },
    ]);
    const expected = postingsOf(packIndex(search.toJSON()));
    assert.deepEqual(postingsOf(packMiniSearch(search)), expected);
    const loaded = unpackIndex<{ id: number; text: string }>(packMiniSearch(search), options);
    assert.deepEqual(postingsOf(packMiniSearch(loaded)), expected, 'still packed postings are copied as they are');
    assert.deepEqual(loaded.search('water'), search.search('water'));
    loaded.discard(2);
    loaded.add({ id: 4, text: 'boils again' });
    search.discard(2);
    search.add({ id: 4, text: 'boils again' });
    assert.deepEqual(loaded.search('boils water'), search.search('boils water'));
    assert.deepEqual(postingsOf(packMiniSearch(loaded)), postingsOf(packIndex(search.toJSON())));
  });

  it('prefetches the stamps of regular files on another thread, skipping what the walk never enters', async () => {
    await addFiles(root, { 'node_modules/x/index.js': 'x', '.git/HEAD': 'ref', '.research/r/report.md': 'old report' });
    const stamps = await prefetchStamps(root, { skip: ['.git', 'node_modules', '.research'], maxEntries: 100 });
    assert.deepEqual([...stamps!.keys()].sort(), ['docs/kettle.md', 'image.bin', 'notes/garden.txt', 'src/pump.ts']);
    const info = await stat(join(root, 'docs/kettle.md'));
    assert.deepEqual(stamps!.get('docs/kettle.md'), { size: info.size, mtimeMs: info.mtimeMs });
  });

  it('lives in the user cache folder of each platform, or where RESEARCH_CACHE_DIR says; RESEARCH_NO_INDEX_CACHE=1 turns it off', () => {
    const home = join('/', 'home', 'ada');
    assert.equal(indexCacheDir({}, 'linux', home), join(home, '.cache', 'research-dispatcher', 'index'));
    assert.equal(indexCacheDir({ XDG_CACHE_HOME: join('/', 'xdg') }, 'linux', home), join('/', 'xdg', 'research-dispatcher', 'index'));
    assert.equal(indexCacheDir({ XDG_CACHE_HOME: 'relative' }, 'linux', home), join(home, '.cache', 'research-dispatcher', 'index'));
    assert.equal(indexCacheDir({}, 'darwin', home), join(home, 'Library', 'Caches', 'research-dispatcher', 'index'));
    assert.equal(indexCacheDir({ LOCALAPPDATA: join('/', 'local') }, 'win32', home), join('/', 'local', 'research-dispatcher', 'index'));
    assert.equal(indexCacheDir({ RESEARCH_CACHE_DIR: join('/', 'tmp', 'c') }, 'linux', home), join('/', 'tmp', 'c'));
    assert.equal(indexCacheDir({ RESEARCH_NO_INDEX_CACHE: '1', RESEARCH_CACHE_DIR: join('/', 'tmp', 'c') }, 'linux', home), undefined);
  });
});
