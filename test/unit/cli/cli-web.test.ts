/**
 * The built CLI with a model and web search: the fault server is the model, a loopback SearXNG finds
 * pages on a loopback page server. The report links each quote to its page and stored copy; a page
 * that gives orders gets no fabricated quote into the evidence; a resumed run keeps its provider.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { parseCliArgs } from '../../../src/cli/args';
import { buildCli, runModelCli } from '../../support/run-cli';
import { startFaultServer, type FaultServer } from '../../support/fault-server';
import { callKind, isCall, scriptedModel } from '../../support/scripted-model';
import { FABRICATED, obedientModel, startTinyWeb, type TinyWeb } from '../../support/web-fixture';

const KEY = 'sk-test-SECRET-5w-cli-4321';

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile())
    .map((e) => path.join(e.parentPath, e.name));
}

describe('CLI web search options', () => {
  it('says what to fix for a bad --search', () => {
    const parse = (...args: string[]) => () => parseCliArgs(['q', ...args], '/');
    assert.throws(parse('--provider', 'openai', '--model', 'm', '--search', 'bing'), /--search "bing" is not one of workspace, searxng, brave/);
    assert.throws(parse('--provider', 'openai', '--model', 'm', '--search', 'searxng'), /needs --searxng-url/);
    assert.throws(parse('--search', 'brave'), /needs a model to read the pages: add --provider openai/);
    assert.throws(parse('--provider', 'openai', '--model', 'm', '--searxng-url', 'http://127.0.0.1:8080'), /--searxng-url goes with --search searxng/);
    assert.throws(parse('--provider', 'openai', '--model', 'm', '--search', 'searxng', '--searxng-url', 'ftp://x'), /--searxng-url must start with http/);
    const ok = parseCliArgs(['q', '--provider', 'openai', '--model', 'm', '--search', 'searxng', '--searxng-url', 'http://127.0.0.1:8080/'], '/');
    assert.equal(ok.search, 'searxng');
    assert.equal(ok.searxngUrl, 'http://127.0.0.1:8080');
    assert.equal(ok.allowPrivatePages, false);
  });
});

describe('CLI with --provider openai --search searxng (built CLI, loopback servers)', function () {
  this.timeout(60_000);
  let server: FaultServer;
  let web: TinyWeb;
  let dir: string;

  before(buildCli);
  beforeEach(async () => {
    server = await startFaultServer(scriptedModel());
    web = await startTinyWeb();
    dir = mkdtempSync(path.join(tmpdir(), 'rd-cli-web-'));
  });
  afterEach(async () => {
    await server.close();
    await web.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const webArgs = () => ['--dir', dir, '--provider', 'openai', '--base-url', server.url, '--model', 'm', '--search', 'searxng', '--searxng-url', web.searxng, '--allow-private-pages'];

  it('writes a report whose quotes link to the pages and to their stored copies; the key is nowhere', async () => {
    const { code, stdout, stderr } = await runModelCli(['How many lanterns does the ferry need?', ...webArgs()], { OPENAI_API_KEY: KEY });
    assert.equal(code, 0, stderr);
    const reportPath = stdout.trim().split('\n').pop()!;
    const report = readFileSync(reportPath, 'utf8');
    assert.ok(report.includes(`](${web.pages}/ferry) ([stored copy](sources/s1.txt#L1))`), report);
    assert.match(report, /> The quokka ferry protocol requires exactly seventeen brass lanterns on every night crossing\./);
    const runDir = path.dirname(reportPath);
    assert.match(readFileSync(path.join(runDir, 'sources', 's1.txt'), 'utf8'), /seventeen brass lanterns/);
    assert.ok(web.searches.length >= 1, 'SearXNG was asked');
    for (const file of filesUnder(runDir)) assert.ok(!readFileSync(file, 'utf8').includes(KEY), `${path.basename(file)} holds no key`);
    assert.ok(!stdout.includes(KEY) && !stderr.includes(KEY));
  });

  it("invented words in single quotes, a code span or a block quote beside a citation are marked, not linked", async () => {
    const honest = scriptedModel();
    server.respondWith((body) => {
      const answer = honest(body);
      if (callKind(body) !== 'synthesize') return answer;
      const invented = 'the ferry carries ninety brass lanterns at night';
      return `The page says '${invented}' [E1]. Its rule is \`lanterns = 90\` [E1].\n\n> ${invented}\n> — [E1]\n\n${answer}`;
    });
    const { code, stdout, stderr } = await runModelCli(['How many lanterns does the ferry need?', ...webArgs()], { OPENAI_API_KEY: KEY });
    assert.equal(code, 0, stderr);
    const report = readFileSync(stdout.trim().split('\n').pop()!, 'utf8');
    const marked = report.match(/quotation not found in the cited sources/g) ?? [];
    assert.equal(marked.length, 3, report);
    assert.match(report, /3 quotations in the text could not be found in the cited sources and are marked/);
    assert.doesNotMatch(report, /^> the ferry carries ninety/im, 'the invented block quote is not shown as a quote');
  });

  it('a page that says "ignore previous instructions" gets no fabricated quote into the evidence', async () => {
    server.respondWith(obedientModel());
    const { code, stdout, stderr } = await runModelCli(['How many lanterns does the ferry need?', ...webArgs()], { OPENAI_API_KEY: KEY });
    assert.equal(code, 0, stderr);
    const report = readFileSync(stdout.trim().split('\n').pop()!, 'utf8');
    const evidence = report.slice(report.indexOf('## Evidence'), report.indexOf('## Sources'));
    assert.match(evidence, /seventeen brass lanterns/);
    assert.ok(!evidence.includes('ninety'), 'the fabricated quote is not evidence');
    assert.match(report, /could not be found in (its|their) sources? and (was|were) left out/);
    assert.ok(report.includes(FABRICATED.slice(0, 40)) && /ninety brass lanterns[^\n]*quotation not found in the cited sources/.test(report), 'the repeated claim is marked');
  });

  it('--resume uses only the provider typed again: without it, it stops before anything is sent and says what to type', async () => {
    server.queueFor(isCall('synthesize'), { kind: 'status', status: 400, message: 'bad request' });
    const first = await runModelCli(['How many lanterns does the ferry need?', ...webArgs()], { OPENAI_API_KEY: KEY });
    assert.equal(first.code, 1, first.stderr);
    const runId = path.basename(path.dirname(first.stdout.trim().split('\n').pop()!));
    const run = JSON.parse(readFileSync(path.join(dir, '.research', runId, 'run.json'), 'utf8')) as { providerId: string; options: { provider: Record<string, unknown> } };
    assert.equal(run.providerId, 'openai');
    assert.ok(!JSON.stringify(run).includes(KEY));
    const searchesBefore = web.searches.length;
    const callsBefore = server.requests.length;

    // run.json names the endpoint and the search server, but a run's files never choose them.
    const untyped = await runModelCli(['--dir', dir, '--resume', runId], { OPENAI_API_KEY: KEY });
    assert.equal(untyped.code, 2, untyped.stderr);
    assert.match(untyped.stderr, /was started with the openai provider at http:\/\/127\.0\.0\.1:\d+\/v1 \(model m\), searching searxng http:\/\/127\.0\.0\.1:\d+, but this command would resume it with offline research/);
    assert.ok(untyped.stderr.includes(`--resume ${runId} --provider openai --base-url ${server.url.replace(/\/+$/, '')} --model m --search searxng --searxng-url ${web.searxng.replace(/\/+$/, '')}`), untyped.stderr);
    assert.equal(server.requests.length, callsBefore, 'nothing was sent to the model');
    assert.equal(web.searches.length, searchesBefore, 'nothing was sent to the search server');

    const resumed = await runModelCli(['--resume', runId, ...webArgs()], { OPENAI_API_KEY: KEY });
    assert.equal(resumed.code, 0, resumed.stderr);
    assert.match(resumed.stderr, /resuming with OpenAI-compatible \(127\.0\.0\.1:\d+: m\)/);
    assert.doesNotMatch(resumed.stderr, /continues with "offline"/);
    assert.equal(web.searches.length, searchesBefore, 'finished searches are not searched again');
    const report = readFileSync(resumed.stdout.trim().split('\n').pop()!, 'utf8');
    assert.ok(report.includes(`](${web.pages}/ferry) ([stored copy](sources/s1.txt#L1))`), 'quotes found before the interruption are verified against the stored pages');
  });
});
