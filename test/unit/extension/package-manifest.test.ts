import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { CONCURRENCY, MAX_RETRIES, TIMEOUT_SECONDS } from '../../../src/core/limits';

const root = path.resolve(__dirname, '../../..');
const manifest = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8'));

describe('extension manifest and package', () => {
  it('the .vsix holds only the bundled extension, its Redis part and webview script, its icon, README, CHANGELOG, licence and manifest', function () {
    this.timeout(60_000);
    // What `vsce package` would put in the .vsix (no build needed to list it).
    const vsce = path.join(root, 'node_modules', '@vscode', 'vsce', 'vsce');
    const files = execFileSync(process.execPath, [vsce, 'ls', '--no-dependencies'], { cwd: root, encoding: 'utf8', env: { ...process.env, CI: 'true' } })
      .split('\n')
      .map((line) => line.trim())
      .filter(Boolean)
      .filter((file) => !file.startsWith('media/webview/')) // the progress webview's script and styles
      .sort();
    assert.deepEqual(files, ['CHANGELOG.md', 'LICENSE', 'README.md', 'dist/distributed.js', 'dist/extension.js', 'dist/mcp.js', 'dist/webview/progress.js', 'media/research.svg', 'package.json']);
  });

  it('the extension bundle leaves bullmq and ioredis to dist/distributed.js, loaded only when research.redis.url is set', async function () {
    this.timeout(60_000);
    // The same bundles esbuild.js makes, in memory, with the list of what went into each.
    const esbuild = await import('esbuild');
    const inputs = async (entry: string, external: string[] = []) => {
      const result = await esbuild.build({ entryPoints: [path.join(root, entry)], bundle: true, platform: 'node', format: 'cjs', external, write: false, metafile: true, logLevel: 'silent' });
      return Object.keys(result.metafile.inputs);
    };
    const redisLibraries = (files: string[]) => files.filter((f) => /node_modules\/(ioredis|bullmq)\//.test(f));
    const extension = await inputs('src/extension/extension.ts', ['vscode']);
    assert.deepEqual(redisLibraries(extension), []);
    assert.ok(!extension.some((f) => f.includes('src/distributed/') && !f.endsWith('.d.ts')), 'the extension imports only types of src/distributed');
    assert.ok(redisLibraries(await inputs('src/distributed/index.ts')).length > 0, 'dist/distributed.js carries ioredis');
  });

  it('activates only through its commands and view, a restored progress panel, or an interrupted run', () => {
    // Commands and views activate implicitly. Two explicit events remain, both narrow: a progress panel
    // VS Code restores after a reload, and a run's lock file left behind — it exists only while a run is
    // going on or after one was killed, which is exactly when the extension offers to resume.
    assert.deepEqual([...manifest.activationEvents].sort(), ['onWebviewPanel:research.progress', 'workspaceContains:.research/*/lock']);
    assert.ok(manifest.contributes.views.research.some((v: { id: string }) => v.id === 'research.tasks'));
  });

  it('shows the Workers view only while research.redis.url is set, and an untrusted folder cannot set that URL', () => {
    const workers = manifest.contributes.views.research.find((v: { id: string }) => v.id === 'research.workers');
    assert.equal(workers?.when, 'research.redisConfigured');
    assert.equal(manifest.contributes.configuration.properties['research.redis.url'].default, '');
    assert.ok(manifest.capabilities.untrustedWorkspaces.restrictedConfigurations.includes('research.redis.url'));
    const welcomes = manifest.contributes.viewsWelcome.filter((w: { view: string }) => w.view === 'research.workers');
    assert.deepEqual(welcomes.map((w: { when: string }) => w.when).sort(), ['research.workersStatus == invalid', 'research.workersStatus == none', 'research.workersStatus == unreachable']);
  });

  it('every command is in the "Research" category and every palette entry names a contributed command', () => {
    const ids = new Set(manifest.contributes.commands.map((c: { command: string }) => c.command));
    for (const command of manifest.contributes.commands) assert.equal(command.category, 'Research', command.command);
    for (const entry of manifest.contributes.menus.commandPalette) assert.ok(ids.has(entry.command), `${entry.command} is not contributed`);
    for (const entry of manifest.contributes.menus['view/item/context']) assert.ok(ids.has(entry.command), `${entry.command} is not contributed`);
  });

  it("the numeric settings have the ranges of the command line's flags and a plan's fields (core/limits.ts)", () => {
    const properties = manifest.contributes.configuration.properties;
    for (const [name, range] of [['research.taskTimeoutSeconds', TIMEOUT_SECONDS], ['research.concurrency', CONCURRENCY], ['research.maxRetries', MAX_RETRIES]] as const) {
      assert.deepEqual([properties[name].minimum, properties[name].maximum], [range.min, range.max], name);
    }
  });

  it('packages non-interactively: the package script passes the flags vsce would otherwise ask about', () => {
    assert.match(manifest.scripts.package, /vsce package --no-dependencies/);
    assert.match(manifest.scripts.package, /--allow-missing-repository/);
  });
});
