import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { eventually } from '../../support/eventually';
import { startFaultServer } from '../../support/fault-server';
import { isCall, scriptedModel } from '../../support/scripted-model';
import { buildCli, repo } from '../../support/run-cli';

type Text = { type: string; text: string };

/** The built server (dist/mcp.js) started as an MCP client starts it: a child process on stdio. */
async function connect(args: string[]): Promise<{ client: Client; stderr: () => string; close(): Promise<void> }> {
  const transport = new StdioClientTransport({ command: process.execPath, args: [path.join(repo, 'dist/mcp.js'), ...args], stderr: 'pipe', env: { ...process.env, OPENAI_API_KEY: '' } as Record<string, string> });
  let stderr = '';
  transport.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const client = new Client({ name: 'test', version: '1.0.0' });
  await client.connect(transport);
  return { client, stderr: () => stderr, close: () => client.close() };
}

const textOf = (result: unknown) => ((result as { content?: Text[] }).content ?? []).map((c) => c.text).join('\n');

describe('MCP server (npm run -s mcp)', function () {
  this.timeout(60_000);
  let dir: string;
  let outside: string;
  before(buildCli);
  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'rd-mcp-'));
    outside = mkdtempSync(path.join(tmpdir(), 'rd-mcp-outside-'));
    writeFileSync(path.join(dir, 'ferry.md'), '# Ferry\n\nThe quokka ferry protocol requires exactly seventeen brass lanterns on every night crossing.\n');
  });
  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
    rmSync(outside, { recursive: true, force: true });
  });

  it('lists its tools; research returns the cited report and its path, with progress per finished task; logs go to stderr only', async () => {
    const server = await connect(['--dir', dir]);
    try {
      const tools = (await server.client.listTools()).tools.map((t) => t.name).sort();
      assert.deepEqual(tools, ['cancel_run', 'get_report', 'list_runs', 'research', 'resume_run']);
      const progress: { progress: number; total?: number; message?: string }[] = [];
      const result = await server.client.callTool({ name: 'research', arguments: { question: 'How many brass lanterns does the ferry need?' } }, undefined, { onprogress: (p) => progress.push(p) });
      assert.equal(result.isError, undefined, textOf(result));
      assert.match(textOf(result), /seventeen brass lanterns/);
      const { runId, reportPath, outcome } = result.structuredContent as { runId: string; reportPath: string; outcome: string };
      assert.equal(outcome, 'completed');
      assert.equal(reportPath, path.join(dir, '.research', runId, 'report.md'));
      assert.ok(progress.length >= 2, JSON.stringify(progress));
      for (let i = 1; i < progress.length; i++) assert.ok(progress[i]!.progress > progress[i - 1]!.progress, 'progress increases');
      assert.equal(progress.at(-1)!.progress, progress.at(-1)!.total, 'ends at the total');
      assert.match(server.stderr(), /research-mcp: ready; researching under /);

      const runs = JSON.parse(textOf(await server.client.callTool({ name: 'list_runs', arguments: {} })));
      assert.equal(runs[0].runId, runId);
      assert.match(textOf(await server.client.callTool({ name: 'get_report', arguments: { runId } })), /seventeen brass lanterns/);
      const resources = (await server.client.listResources()).resources.map((r) => r.uri);
      assert.ok(resources.includes(`research://runs/${runId}/report`), resources.join(', '));
      const read = await server.client.readResource({ uri: `research://runs/${runId}/report` });
      assert.match(String((read.contents[0] as { text: string }).text), /seventeen brass lanterns/);
    } finally {
      await server.close();
    }
  });

  it('bad input is a tool error that says what to fix, and the server goes on', async () => {
    const server = await connect(['--dir', dir]);
    try {
      const cases: [Record<string, unknown>, RegExp][] = [
        [{ question: '   ' }, /the question is empty/],
        [{ question: 'x', folder: path.join(dir, 'nowhere') }, /does not exist/],
        [{ question: 'x', folder: outside }, /outside the folders this server may research/],
        [{ question: 'x', folder: 'relative/path' }, /not an absolute path/],
        [{ question: 'x', provider: { provider: 'openai' } }, /needs a model/],
      ];
      for (const [args, message] of cases) {
        const result = await server.client.callTool({ name: 'research', arguments: args });
        assert.equal(result.isError, true, JSON.stringify(args));
        assert.match(textOf(result), message);
      }
      assert.equal((await server.client.callTool({ name: 'get_report', arguments: { runId: '../../etc' } })).isError, true);
      assert.equal((await server.client.callTool({ name: 'cancel_run', arguments: { runId: 'nope' } })).isError, true);
      assert.ok((await server.client.listTools()).tools.length === 5, 'still serving');
      assert.equal(existsSync(path.join(outside, '.research')), false, 'nothing was written outside the roots');
    } finally {
      await server.close();
    }
  });

  it('the client’s cancellation cancels the run, and the partial report is written', async () => {
    // Enough files that indexing takes a while, so the cancel arrives mid-run.
    mkdirSync(path.join(dir, 'many'));
    for (let i = 0; i < 4000; i++) writeFileSync(path.join(dir, 'many', `note-${i}.md`), `# Note ${i}\n\nThe harbour log entry ${i} mentions tides, lanterns and ferries in passing, entry ${i * 7}.\n`.repeat(8));
    const server = await connect(['--dir', dir]);
    try {
      const controller = new AbortController();
      const call = server.client.callTool({ name: 'research', arguments: { question: 'What does the harbour log say about lanterns?' } }, undefined, {
        signal: controller.signal,
        onprogress: () => controller.abort(),
      });
      await assert.rejects(call, /abort|cancel/i);
      const runDir = await eventually('the run folder', () => {
        const out = path.join(dir, '.research');
        return existsSync(out) ? readdirSync(out).map((id) => path.join(out, id))[0] : undefined;
      });
      const report = await eventually('the partial report', () => (existsSync(path.join(runDir, 'report.md')) ? readFileSync(path.join(runDir, 'report.md'), 'utf8') : undefined), 30_000);
      assert.match(report, /cancelled before it finished/);
    } finally {
      await server.close();
    }
  });

  it('two concurrent calls each get their own run and report, whose citations resolve to the folder’s files', async () => {
    writeFileSync(path.join(dir, 'tides.md'), '# Tides\n\nThe spring tide tables are pinned above the chart table in the harbour office.\n');
    const server = await connect(['--dir', dir]);
    try {
      const [a, b] = await Promise.all([
        server.client.callTool({ name: 'research', arguments: { question: 'How many brass lanterns does the ferry need?' } }),
        server.client.callTool({ name: 'research', arguments: { question: 'Where are the spring tide tables pinned?', folder: dir } }),
      ]);
      const [ra, rb] = [a.structuredContent as { runId: string; reportPath: string }, b.structuredContent as { runId: string; reportPath: string }];
      assert.notEqual(ra.runId, rb.runId);
      assert.match(textOf(a), /seventeen brass lanterns/);
      assert.match(textOf(b), /pinned above the chart table/);
      for (const { reportPath } of [ra, rb]) {
        const links = [...readFileSync(reportPath, 'utf8').matchAll(/\]\((\.\.\/[^)#]+)#L(\d+)/g)];
        assert.ok(links.length > 0);
        for (const [, href, line] of links) {
          const file = path.resolve(path.dirname(reportPath), decodeURI(href!));
          assert.ok(file.startsWith(dir), file);
          assert.ok(readFileSync(file, 'utf8').split('\n').length >= Number(line), `${href}#L${line}`);
        }
      }
    } finally {
      await server.close();
    }
  });

  it('cancelling a model run stops its requests to the model server', async () => {
    const plan = JSON.stringify({
      tasks: [
        { id: 'search-1', kind: 'search', description: 'Find the lantern rule', query: 'brass lanterns ferry', facet: 'Lanterns' },
        { id: 'search-2', kind: 'search', description: 'Find the crossing', query: 'night crossing protocol', facet: 'Crossings' },
        { id: 'synthesize', kind: 'synthesize', description: 'Write', dependsOn: ['search-1', 'search-2'] },
      ],
    });
    const model = await startFaultServer(scriptedModel({ plan }));
    // Every extraction takes long: the cancel arrives while they are in flight.
    model.queueFor(isCall('extract'), { kind: 'delay', ms: 3000 }, { kind: 'delay', ms: 3000 }, { kind: 'delay', ms: 3000 }, { kind: 'delay', ms: 3000 });
    const server = await connect(['--dir', dir]);
    try {
      const controller = new AbortController();
      const call = server.client.callTool(
        { name: 'research', arguments: { question: 'How many brass lanterns?', provider: { provider: 'openai', baseUrl: model.url, model: 'm' } } },
        undefined,
        { signal: controller.signal },
      );
      await eventually('an extraction in flight', () => model.requests.some((r) => isCall('extract')(r.body)), 20_000);
      controller.abort();
      await assert.rejects(call);
      const runDir = path.join(dir, '.research', readdirSync(path.join(dir, '.research'))[0]!);
      await eventually('the partial report', () => existsSync(path.join(runDir, 'report.md')), 20_000);
      const after = model.requests.length;
      await new Promise((resolve) => setTimeout(resolve, 1500));
      assert.equal(model.requests.length, after, 'no request after the run was cancelled');
      assert.match(readFileSync(path.join(runDir, 'report.md'), 'utf8'), /cancelled before it finished/);
    } finally {
      await server.close();
      await model.close();
    }
  });

  it('closing the connection cancels the run in progress: the partial report is written and the server exits', async () => {
    mkdirSync(path.join(dir, 'many'));
    for (let i = 0; i < 4000; i++) writeFileSync(path.join(dir, 'many', `note-${i}.md`), `# Note ${i}\n\nThe harbour log entry ${i} mentions tides, lanterns and ferries in passing, entry ${i * 7}.\n`.repeat(8));
    const server = await connect(['--dir', dir]);
    let closed = false;
    const call = server.client
      .callTool({ name: 'research', arguments: { question: 'What does the harbour log say about lanterns?' } }, undefined, {
        onprogress: () => {
          if (closed) return;
          closed = true;
          void server.close();
        },
      })
      .catch((error: unknown) => error);
    await call;
    assert.ok(closed, 'progress arrived before the end');
    const out = path.join(dir, '.research');
    const report = await eventually('the partial report', () => {
      const runDir = existsSync(out) ? readdirSync(out).map((id) => path.join(out, id))[0] : undefined;
      return runDir && existsSync(path.join(runDir, 'report.md')) ? readFileSync(path.join(runDir, 'report.md'), 'utf8') : undefined;
    }, 30_000);
    assert.match(report, /cancelled before it finished/);
  });
});
