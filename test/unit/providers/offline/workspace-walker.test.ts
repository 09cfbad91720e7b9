import assert from 'node:assert/strict';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { walkWorkspace, type TextFile, type WalkOptions } from '../../../../src/providers/offline/workspace-walker';
import { addFiles, makeWorkspace, removeWorkspace, trySymlink } from '../../../support/workspace-fixture';

async function walk(root: string, options: Partial<WalkOptions> = {}) {
  const files: TextFile[] = [];
  const summary = await walkWorkspace({
    root,
    maxFileBytes: 1024,
    maxFiles: 1000,
    outputFolder: '.research',
    signal: new AbortController().signal,
    onFile: (file) => {
      files.push(file);
    },
    ...options,
  });
  return { paths: files.map((file) => file.path).sort(), files, summary };
}

describe('offline workspace walker', () => {
  const cleanup: string[] = [];
  afterEach(async () => {
    await Promise.all(cleanup.splice(0).map(removeWorkspace));
  });

  it('reads text files and skips .git, node_modules, the output folder, binaries and huge files', async () => {
    const root = await makeWorkspace({
      'README.md': '# Project\n',
      'src/main.ts': 'export const x = 1;\r\nexport const y = 2;\r\n',
      '.git/config': '[core]\n',
      'node_modules/pkg/index.js': 'module.exports = 1;\n',
      'packages/a/node_modules/dep/index.js': 'module.exports = 2;\n',
      '.research/run-1/report.md': '# Old report\n',
      'image.png': new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x00, 0x01]),
      'latin1.txt': new Uint8Array([0x63, 0x61, 0x66, 0xe9, 0x0a]),
      'huge.txt': 'x'.repeat(2048),
    });
    cleanup.push(root);
    const { paths, files, summary } = await walk(root);
    assert.deepEqual(paths, ['README.md', 'src/main.ts']);
    assert.equal(files.find((f) => f.path === 'src/main.ts')?.text, 'export const x = 1;\nexport const y = 2;\n');
    assert.equal(summary.textFiles, 2);
    assert.equal(summary.skipped.binary, 2);
    assert.equal(summary.skipped.tooLarge, 1);
    assert.equal(summary.truncated, false);
  });

  it('skips files tools write (lock files, minified code, source maps) and counts them', async () => {
    const root = await makeWorkspace({
      'package.json': '{ "name": "x" }\n',
      'package-lock.json': '{ "lockfileVersion": 3 }\n',
      'sub/yarn.lock': '# yarn lockfile v1\n',
      'web/app.min.js': 'var a=1;\n',
      'web/app.js.map': '{"version":3}\n',
      'web/app.js': 'const answer = 42;\n',
    });
    cleanup.push(root);
    const { paths, summary } = await walk(root);
    assert.deepEqual(paths, ['package.json', 'web/app.js']);
    assert.equal(summary.skipped.generated, 4);
  });

  it('honours root and nested .gitignore files, each relative to its own folder, deeper rules winning', async () => {
    const root = await makeWorkspace({
      '.gitignore': '*.log\nbuild/\n',
      'debug.log': 'noise\n',
      'build/out.js': 'compiled\n',
      'local.txt': 'kept: the nested rule does not reach up here\n',
      'anchored.md': 'kept: the nested anchored rule does not reach up here\n',
      'sub/.gitignore': 'local.txt\n/anchored.md\n!keep.log\n',
      'sub/local.txt': 'ignored\n',
      'sub/anchored.md': 'ignored\n',
      'sub/keep.log': 'kept by negation\n',
      'sub/other.log': 'ignored by the root rule\n',
      'sub/deeper/anchored.md': 'kept: anchored to sub/ only\n',
    });
    cleanup.push(root);
    const { paths, summary } = await walk(root);
    assert.deepEqual(paths, ['.gitignore', 'anchored.md', 'local.txt', 'sub/.gitignore', 'sub/deeper/anchored.md', 'sub/keep.log']);
    // debug.log, build/ (one folder), sub/local.txt, sub/anchored.md, sub/other.log
    assert.equal(summary.skipped.ignored, 5);
  });

  it('never follows symbolic links out of the root and survives link loops', async function () {
    const outside = await mkdtemp(join(tmpdir(), 'offline-outside-'));
    const root = await makeWorkspace({ 'inside.md': 'inside\n', 'dir/note.md': 'note\n' });
    cleanup.push(outside, root);
    await addFiles(outside, { 'secret.txt': 'do not read\n', 'nested/secret2.txt': 'do not read either\n' });
    const made = await Promise.all([
      trySymlink(outside, join(root, 'out-dir')),
      trySymlink(join(outside, 'secret.txt'), join(root, 'out-file.txt')),
      trySymlink(root, join(root, 'dir', 'loop')),
      trySymlink(join(root, 'self'), join(root, 'self')),
      trySymlink(join(root, 'inside.md'), join(root, 'alias.md')),
    ]);
    if (made.includes(false)) this.skip();
    const { paths, files, summary } = await walk(root);
    assert.deepEqual(paths, ['dir/note.md', 'inside.md']);
    assert.ok(files.every((file) => !file.text.includes('do not read')));
    assert.equal(summary.skipped.linkOutside, 2);
    assert.equal(summary.skipped.linkInside, 2); // the loop back to the root, and alias.md
    assert.equal(summary.skipped.unreadable, 1); // `self` points at itself
  });

  it('stops at maxFiles and says so', async () => {
    const root = await makeWorkspace(Object.fromEntries(Array.from({ length: 30 }, (_, i) => [`f${String(i).padStart(2, '0')}.txt`, `file ${i}\n`])));
    cleanup.push(root);
    const { paths, summary } = await walk(root, { maxFiles: 20 });
    assert.equal(paths.length, 20);
    assert.equal(summary.truncated, true);
  });

  it('opens no more files once onFile returns false (the index is full), and counts the rest', async () => {
    // 40 files in the root (more than one batch of reads) and 10 in a subfolder, walked after them.
    const root = await makeWorkspace({
      ...Object.fromEntries(Array.from({ length: 40 }, (_, i) => [`f${String(i).padStart(2, '0')}.txt`, `file ${i}\n`])),
      ...Object.fromEntries(Array.from({ length: 10 }, (_, i) => [`sub/g${i}.txt`, `file ${i}\n`])),
    });
    cleanup.push(root);
    const delivered: string[] = [];
    const { summary } = await walk(root, {
      onFile: (file) => {
        delivered.push(file.path);
        return delivered.length < 3;
      },
    });
    assert.deepEqual(delivered, ['f00.txt', 'f01.txt', 'f02.txt']);
    assert.equal(summary.textFiles, 3);
    assert.equal(summary.notRead, 47);
    assert.equal(summary.truncated, false);
  });

  it('stops with the signal’s reason when aborted mid-walk', async () => {
    const root = await makeWorkspace(Object.fromEntries(Array.from({ length: 60 }, (_, i) => [`d${i % 6}/f${i}.txt`, `file ${i}\n`])));
    cleanup.push(root);
    const controller = new AbortController();
    const reason = new Error('stop now');
    let delivered = 0;
    await assert.rejects(
      walk(root, {
        signal: controller.signal,
        onFile: () => {
          delivered++;
          controller.abort(reason);
        },
      }),
      (error) => error === reason,
    );
    assert.ok(delivered < 60, `delivered ${delivered} files after the abort`);
  });

  it('fails clearly when the root does not exist', async () => {
    await assert.rejects(walk(join(tmpdir(), 'offline-no-such-folder-' + process.pid)), /ENOENT/);
  });
});
