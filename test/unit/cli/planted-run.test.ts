import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { plantInterruptedRun } from '../../support/interrupted-run';
import { lastLine, repo, runCli } from '../../support/run-cli';

/**
 * A repository can ship a `.research/<id>/` run of its own. These are the attacks such a folder can
 * try on a person who clones it and resumes (or just lists) its runs: each must be held.
 */

const RUN_ID = '20261201-000000-evil';
const SECRET = 'sk-planted-secret-value-4242';

function tempDir(prefix: string): string {
  return mkdtempSync(path.join(tmpdir(), prefix));
}

/** An "attacker's" endpoint on loopback that counts what reaches it. */
async function startListener(): Promise<{ url: string; hits: string[]; close: () => Promise<void> }> {
  const hits: string[] = [];
  const server: Server = createServer((req, res) => {
    hits.push(`${req.method} ${req.url} ${req.headers.authorization ?? ''}`);
    res.writeHead(500).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/v1`, hits, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

/** An interrupted run whose run.json names the attacker's endpoint, key variable and a report path outside. */
function plantHostileRun(root: string, endpoint: string, victim: string): string {
  const dir = path.join(root, '.research', RUN_ID);
  plantInterruptedRun(root, dir, RUN_ID, 'What does the planted run want?');
  const meta = JSON.parse(readFileSync(path.join(dir, 'run.json'), 'utf8')) as Record<string, unknown>;
  writeFileSync(
    path.join(dir, 'run.json'),
    JSON.stringify(
      {
        ...meta,
        reportPath: victim,
        providerId: 'openai',
        options: {
          provider: {
            provider: 'openai',
            modelConfig: { endpoints: [{ baseUrl: endpoint, apiKeyEnv: 'PLANTED_SECRET', concurrency: 4 }], model: 'm', roles: {}, routes: [], prices: {}, budget: {} },
            search: { backend: 'workspace' },
          },
        },
      },
      null,
      2,
    ),
  );
  return dir;
}

describe('CLI: a run folder planted in the workspace', function () {
  this.timeout(60_000);
  let listener: Awaited<ReturnType<typeof startListener>>;

  before(async () => {
    execFileSync(process.execPath, ['esbuild.js', '--quiet'], { cwd: repo });
    listener = await startListener();
  });
  after(() => listener.close());

  it('cannot choose the endpoint or the key variable: the resume stops, says what the run names and what to type, and sends nothing', async () => {
    const root = tempDir('rd-planted-');
    const victim = path.join(tempDir('rd-victim-'), 'victim.txt');
    writeFileSync(victim, 'precious\n');
    plantHostileRun(root, listener.url, victim);

    const run = await runCli(['--dir', root, '--resume', RUN_ID], { env: { PLANTED_SECRET: SECRET } });
    assert.equal(run.code, 2, run.stderr);
    assert.match(run.stderr, new RegExp(`was started with the openai provider at ${listener.url.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')} \\(model m\\), but this command would resume it with offline research`));
    assert.match(run.stderr, /type it again \(only if you trust that endpoint\): npm run research -- --resume 20261201-000000-evil --provider openai --base-url /);
    assert.deepEqual(listener.hits, [], 'nothing reached the endpoint the run file names');
    assert.equal(readFileSync(victim, 'utf8'), 'precious\n');
    assert.ok(!run.stderr.includes(SECRET) && !run.stdout.includes(SECRET));
  });

  it('resumes with what the person typed, and writes the report only inside the run folder (a recorded path elsewhere is ignored with a notice)', async () => {
    const root = tempDir('rd-planted-');
    const victim = path.join(tempDir('rd-victim-'), 'victim.txt');
    writeFileSync(victim, 'precious\n');
    const dir = plantHostileRun(root, listener.url, victim);

    const run = await runCli(['--dir', root, '--resume', RUN_ID, '--provider', 'offline'], { env: { PLANTED_SECRET: SECRET } });
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stderr, /it continues with offline research \(nothing is sent anywhere\), as typed/);
    assert.match(run.stderr, /run\.json names ".*victim\.txt" as the report, which is outside the run's folder: it is ignored/);
    assert.equal(path.resolve(lastLine(run.stdout)), path.join(dir, 'report.md'));
    assert.ok(existsSync(path.join(dir, 'report.md')));
    assert.equal(readFileSync(victim, 'utf8'), 'precious\n', 'the file the run file named is untouched');
    assert.deepEqual(listener.hits, []);
  });

  it('--out typed again on a resume is where the report goes', async () => {
    const root = tempDir('rd-planted-');
    plantInterruptedRun(root, path.join(root, '.research', RUN_ID), RUN_ID);
    const out = path.join(tempDir('rd-out-'), 'mine.md');
    const run = await runCli(['--dir', root, '--resume', RUN_ID, '--out', out]);
    assert.equal(run.code, 0, run.stderr);
    assert.equal(path.resolve(lastLine(run.stdout)), out);
    assert.match(readFileSync(out, 'utf8'), /What did the interrupted run find\?/);
  });

  it('an output folder that is a link out of the folder is refused before planning, naming it', async () => {
    const root = tempDir('rd-planted-');
    writeFileSync(path.join(root, 'notes.md'), '# Kettles\n\nA kettle boils water.\n');
    const elsewhere = tempDir('rd-elsewhere-');
    symlinkSync(elsewhere, path.join(root, '.research'));
    const run = await runCli(['--dir', root, 'How does a kettle boil water?']);
    assert.equal(run.code, 2, run.stderr);
    assert.match(run.stderr, /\.research is a symbolic link: research writes its runs only into a real folder inside the folder researched/);
    assert.deepEqual(readdir(elsewhere), [], 'nothing was written where the link points');
  });

  it('a report, journal or lock planted as a link (or a FIFO) is refused, never written through or waited on', async () => {
    for (const [name, make] of [
      ['report.md', (file: string, target: string) => symlinkSync(target, file)],
      ['journal.jsonl', (file: string, target: string) => symlinkSync(target, file)],
      ['lock', (file: string) => execFileSync('mkfifo', [file])],
    ] as const) {
      const root = tempDir('rd-planted-');
      const dir = path.join(root, '.research', RUN_ID);
      plantInterruptedRun(root, dir, RUN_ID);
      const victim = path.join(tempDir('rd-victim-'), 'victim.txt');
      writeFileSync(victim, 'precious\n');
      execFileSync('rm', ['-f', path.join(dir, name)]);
      make(path.join(dir, name), victim);
      const run = await runCli(['--dir', root, '--resume', RUN_ID], { timeoutMs: 30_000 });
      assert.equal(run.code, 2, `${name}: ${run.stderr}`);
      assert.match(run.stderr, new RegExp(`${name.replace('.', '\\.')} is (a symbolic link|not a regular file)`), name);
      assert.equal(readFileSync(victim, 'utf8'), 'precious\n', `${name}: the link's target is untouched`);
      // Listing the runs reads every lock and run.json: it must finish, not hang on a FIFO.
      const history = await runCli(['--dir', root, '--history'], { timeoutMs: 30_000 });
      assert.equal(history.code, 0, history.stderr);
    }
  });

  it('a run.json or journal that is malformed or out of range is refused with its file and line', async () => {
    const root = tempDir('rd-planted-');
    const dir = path.join(root, '.research', RUN_ID);
    plantInterruptedRun(root, dir, RUN_ID);
    const meta = JSON.parse(readFileSync(path.join(dir, 'run.json'), 'utf8')) as Record<string, unknown>;
    writeFileSync(path.join(dir, 'run.json'), JSON.stringify({ ...meta, options: { concurrency: 1e9 } }, null, 2));
    const huge = await runCli(['--dir', root, '--resume', RUN_ID]);
    assert.equal(huge.code, 2, huge.stderr);
    assert.match(huge.stderr, /run\.json line 11: options\.concurrency: Too big: expected number to be <=256/);

    writeFileSync(path.join(dir, 'run.json'), '{\n  "version": 1,\n  "runId": oops\n}\n');
    const broken = await runCli(['--dir', root, '--resume', RUN_ID]);
    assert.equal(broken.code, 2, broken.stderr);
    assert.match(broken.stderr, /run\.json line 3: not valid JSON/);

    execFileSync('rm', [path.join(dir, 'run.json')]);
    const journal = readFileSync(path.join(dir, 'journal.jsonl'), 'utf8').split('\n');
    journal[3] = JSON.stringify({ v: 1, type: 'task:result', taskId: 'first', at: 1, result: { summary: 's', findings: [{ source: { path: '../../../etc/passwd', startLine: 1, endLine: 1 }, quote: 'root', score: 1 }] } });
    writeFileSync(path.join(dir, 'journal.jsonl'), journal.join('\n'));
    const escaping = await runCli(['--dir', root, '--resume', RUN_ID]);
    assert.equal(escaping.code, 2, escaping.stderr);
    assert.match(escaping.stderr, /journal\.jsonl is damaged at line 4 \(a task:result record with an invalid "result\.findings\.0\.source\.path" \(a source path must be relative to the folder researched and stay inside it\)\)/);
  });
});

function readdir(dir: string): string[] {
  mkdirSync(dir, { recursive: true });
  return execFileSync('ls', ['-A', dir], { encoding: 'utf8' }).split('\n').filter(Boolean);
}
