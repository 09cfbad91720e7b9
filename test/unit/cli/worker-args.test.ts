import * as assert from 'node:assert/strict';
import { parseWorkerArgs } from '../../../src/cli/worker-main';

describe('npm run worker: its command line', () => {
  it('takes the defaults: every kind, 4 at once, both providers, a 30 s lock', () => {
    const options = parseWorkerArgs(['--redis', 'redis://127.0.0.1:6379'], '/tmp');
    assert.deepEqual(options.capabilities, ['search', 'analyze', 'synthesize']);
    assert.equal(options.concurrency, 4);
    assert.deepEqual(options.providers, ['offline', 'openai']);
    assert.equal(options.lockMs, 30_000);
    assert.equal(options.dir, '/tmp');
  });

  it('says what to fix, in the words the research command uses', () => {
    assert.throws(() => parseWorkerArgs([], '/tmp'), /--redis <url> is required/);
    assert.throws(() => parseWorkerArgs(['--redis', 'redis://h', '--concurrency', '0'], '/tmp'), /--concurrency must be a whole number from 1 to 256, not "0"/);
    assert.throws(() => parseWorkerArgs(['--redis', 'redis://h', '--capabilities', 'search,write'], '/tmp'), /"write" is not a task kind/);
    assert.throws(() => parseWorkerArgs(['--redis', 'redis://h', '--providers', 'vscode-lm'], '/tmp'), /cannot run on a worker/);
    assert.throws(() => parseWorkerArgs(['--redis', 'redis://h', '--lock-timeout', '0.5'], '/tmp'), /--lock-timeout must be 1 to 86400 seconds, not "0.5"/);
    assert.throws(() => parseWorkerArgs(['--redis', 'redis://h', '--nope'], '/tmp'), /Unknown option '--nope'; see --help/);
  });
});
