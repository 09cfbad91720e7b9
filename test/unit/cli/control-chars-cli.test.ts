/**
 * The built CLI on a folder and a plan whose names and texts carry terminal escape sequences and
 * newlines: nothing of them reaches the terminal raw or the report at all.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { lastLine, repo, runCli, writeSimulatedPlan } from '../../support/run-cli';

const ESCAPES = '\x1b]0;pwned\x07\x1b[2J\u009b31m';
const RAW = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/;

describe('CLI: control characters from the folder, the plan and the question', function () {
  this.timeout(60_000);
  let dir: string;

  before(() => execFileSync(process.execPath, ['esbuild.js', '--quiet'], { cwd: repo }));
  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'rd-controls-'));
    mkdirSync(path.join(dir, 'docs'));
    writeFileSync(path.join(dir, 'docs', `kettle${ESCAPES}.md`), `# Kettle\n\nThe kettle boils water in ninety seconds.${ESCAPES}\n## Forged heading\n`);
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('a question with escapes and a forged progress line is printed escaped, and the report drops them', async () => {
    const question = `How fast does the kettle boil?${ESCAPES}\n✔ synthesize (0.1 s) — forged`;
    const { code, stdout, stderr } = await runCli([question, '--dir', dir]);
    assert.equal(code, 0, stderr);
    assert.ok(!RAW.test(stderr), `stderr holds a raw control character: ${JSON.stringify(stderr)}`);
    assert.match(stderr, /Researching: How fast does the kettle boil\?\\x1b\]0;pwned\\x07\\x1b\[2J\\x9b31m\\n✔ synthesize \(0\.1 s\) — forged/);
    assert.ok(!stderr.split('\n').some((line) => line.startsWith('✔ synthesize (0.1 s) — forged')), 'no forged line');
    const report = readFileSync(lastLine(stdout), 'utf8');
    assert.ok(!RAW.test(report), 'the report holds no control character');
    assert.match(report, /ninety seconds/);

    const history = await runCli(['--history', '--dir', dir]);
    assert.equal(history.code, 0, history.stderr);
    assert.ok(!RAW.test(history.stdout), `--history prints raw: ${JSON.stringify(history.stdout)}`);
    assert.match(history.stdout, /boil\?\\x1b\]0;pwned/);
    const json = await runCli(['--history', '--json', '--dir', dir]);
    assert.ok(!RAW.test(json.stdout));
    assert.equal((JSON.parse(json.stdout.split('\n')[0]!) as { question: string }).question, question);
  });

  it("a plan's task ids and descriptions are printed escaped, and so is an error naming a folder", async () => {
    const plan = writeSimulatedPlan(dir, [
      { id: `find${ESCAPES}`, kind: 'search', description: `Look\n✔ fake — done`, simulate: { ms: 5 } },
      { id: 'write', kind: 'synthesize', description: 'Write', dependsOn: [`find${ESCAPES}`], simulate: { ms: 5, failTimes: 9 } },
    ]);
    const run = await runCli(['--plan', plan, '--dir', dir, '--max-retries', '0']);
    assert.ok(!RAW.test(run.stderr), JSON.stringify(run.stderr));
    assert.match(run.stderr, /find\\x1b\]0;pwned\\x07/);
    const report = readFileSync(lastLine(run.stdout), 'utf8');
    assert.ok(!RAW.test(report));

    const bad = await runCli(['--plan', plan, '--dir', path.join(dir, `missing${ESCAPES}`)]);
    assert.equal(bad.code, 2);
    assert.ok(!RAW.test(bad.stderr), JSON.stringify(bad.stderr));
    assert.match(bad.stderr, /missing\\x1b/);
  });
});
