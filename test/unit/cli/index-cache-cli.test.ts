import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { buildCli, lastLine, runCli } from '../../support/run-cli';

interface Event {
  type: string;
  message?: string;
  reportPath?: string;
}

function events(stdout: string): Event[] {
  return stdout.trim().split('\n').map((line) => JSON.parse(line) as Event);
}

function progressMessages(stdout: string): string[] {
  return events(stdout).filter((e) => e.type === 'task:progress').map((e) => e.message ?? '');
}

describe('CLI: the index cache', function () {
  this.timeout(60_000);

  before(buildCli);

  it('a second run loads the index from the cache, and re-reads a file edited between runs', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'rd-cache-cli-'));
    const cache = mkdtempSync(path.join(tmpdir(), 'rd-cache-dir-'));
    writeFileSync(path.join(dir, 'kettle.md'), '# Kettle\n\nThe zephyrine kettle boils water in ninety seconds.\n');
    writeFileSync(path.join(dir, 'garden.md'), '# Garden\n\nThe marigold bed is watered every morning.\n');
    const env = { RESEARCH_CACHE_DIR: cache };

    const first = await runCli(['How fast does the zephyrine kettle boil water?', '--dir', dir, '--json'], { env });
    assert.equal(first.code, 0, first.stderr);
    assert.ok(!progressMessages(first.stdout).some((m) => /Loaded the index/.test(m)));
    assert.equal(readdirSync(cache).length, 1, 'one cache, in the cache folder');
    assert.ok(!readdirSync(dir).some((name) => name.includes('corpus')), 'nothing cached in the folder researched');

    // Same size, so only the mtime tells: moved well past the clock's resolution.
    writeFileSync(path.join(dir, 'kettle.md'), '# Kettle\n\nThe zephyrine kettle boils water in eighty  seconds.\n');
    const later = new Date(Date.now() + 60_000);
    utimesSync(path.join(dir, 'kettle.md'), later, later);

    const second = await runCli(['How fast does the zephyrine kettle boil water?', '--dir', dir, '--json'], { env });
    assert.equal(second.code, 0, second.stderr);
    const messages = progressMessages(second.stdout);
    assert.ok(messages.some((m) => /Loaded the index of 2 files from the cache/.test(m)), messages.join('\n'));
    assert.ok(messages.includes('Updating the index: 1 changed file'), messages.join('\n'));
    const report = readFileSync(events(second.stdout).at(-1)!.reportPath!, 'utf8');
    assert.match(report, /eighty {2}seconds/);
    assert.doesNotMatch(report, /ninety seconds/);
  });

  it('--no-index-cache and RESEARCH_NO_INDEX_CACHE=1 neither read nor write one', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'rd-cache-cli-off-'));
    const cache = path.join(mkdtempSync(path.join(tmpdir(), 'rd-cache-dir-off-')), 'index');
    writeFileSync(path.join(dir, 'kettle.md'), 'The zephyrine kettle boils water in ninety seconds.\n');
    const flag = await runCli(['How fast does the zephyrine kettle boil?', '--dir', dir, '--no-index-cache'], { env: { RESEARCH_CACHE_DIR: cache } });
    assert.equal(flag.code, 0, flag.stderr);
    assert.match(readFileSync(lastLine(flag.stdout), 'utf8'), /ninety seconds/);
    const env = await runCli(['How fast does the zephyrine kettle boil?', '--dir', dir], { env: { RESEARCH_CACHE_DIR: cache, RESEARCH_NO_INDEX_CACHE: '1' } });
    assert.equal(env.code, 0, env.stderr);
    assert.ok(!existsSync(cache), 'no cache folder made');
  });
});
