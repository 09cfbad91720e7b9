/**
 * createProviderFromSettings, the one way the extension, the CLI and resume build a provider; and a
 * full model run over web search (fault server + loopback SearXNG and pages) with the journal on:
 * quotes link to the page and the stored copy, a page's orders do not become sourced quotes, and the
 * key is nowhere on disk or in the events.
 */
import assert from 'node:assert/strict';
import { readdir, readFile } from 'node:fs/promises';
import * as path from 'node:path';
import { EventBus, type DispatcherEvent } from '../../../src/core/events';
import { research } from '../../../src/core/research';
import { newRunId } from '../../../src/core/run-id';
import type { ChatModel } from '../../../src/providers/model/chat-model';
import { createProviderFromSettings, type ProviderSettings } from '../../../src/providers/create-provider';
import { parseModelConfig } from '../../../src/providers/model/model-config';
import { startFaultServer, type FaultServer } from '../../support/fault-server';
import { scriptedModel } from '../../support/scripted-model';
import { obedientModel, startTinyWeb, type TinyWeb } from '../../support/web-fixture';
import { makeWorkspace, removeWorkspace } from '../../support/workspace-fixture';

const KEY = 'sk-test-SECRET-5w-factory-9876';

async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  return entries.filter((e) => e.isFile()).map((e) => path.join(e.parentPath, e.name));
}

describe('createProviderFromSettings', function () {
  this.timeout(30_000);
  let root: string;
  let server: FaultServer;
  let web: TinyWeb;

  beforeEach(async () => {
    root = await makeWorkspace({ 'notes/kettle.md': '# Kettles\n\nThe zephyrine kettle boils water in ninety seconds flat.\n' });
    server = await startFaultServer(scriptedModel());
    web = await startTinyWeb();
  });
  afterEach(async () => {
    await server.close();
    await web.close();
    await removeWorkspace(root);
  });

  const webSettings = (): ProviderSettings => ({
    provider: 'openai',
    model: { openaiBaseUrl: server.url, models: { planner: 'm' } },
    search: { backend: 'searxng', searxngUrl: web.searxng, allowPrivateAddresses: true },
  });

  async function webRun(settings = webSettings()) {
    const runId = newRunId();
    const runDir = path.join(root, '.research', runId);
    const provider = await createProviderFromSettings({ settings, root, runDir, keys: { env: { OPENAI_API_KEY: KEY } } });
    const bus = new EventBus();
    const events: DispatcherEvent[] = [];
    bus.onAny((e) => events.push(e));
    try {
      const result = await research({ question: 'How many lanterns does the ferry need?', root, provider, runId, bus, retry: { baseDelayMs: 1, maxDelayMs: 5 } });
      return { result, events, runDir, report: await readFile(result.reportPath, 'utf8'), provider };
    } finally {
      provider.dispose?.();
    }
  }

  it('offline by default settings, and refuses web search without a model', async () => {
    const offline = await createProviderFromSettings({ settings: { provider: 'offline' }, root, keys: {} });
    assert.equal(offline.id, 'offline');
    assert.deepEqual(offline.settings, { provider: 'offline' });
    await assert.rejects(
      createProviderFromSettings({ settings: { provider: 'offline', search: { backend: 'searxng', searxngUrl: web.searxng } }, root, keys: {} }),
      /needs a model to read the pages/,
    );
  });

  it('web search needs the run folder, and Brave its key (named, never shown)', async () => {
    await assert.rejects(createProviderFromSettings({ settings: webSettings(), root, keys: {} }), /needs the run's folder/);
    await assert.rejects(
      createProviderFromSettings({ settings: { ...webSettings(), search: { backend: 'brave' } }, root, runDir: path.join(root, 'r'), keys: { env: {} } }),
      /BRAVE_API_KEY/,
    );
  });

  it('openai: a key in SecretStorage wins over the environment, and the provider records its settings without it', async () => {
    let sent: string | undefined;
    const provider = await createProviderFromSettings({
      settings: { provider: 'openai', model: { openaiBaseUrl: server.url, models: { planner: 'm' } } },
      root,
      keys: { secretGet: async (k) => (k === 'research.apiKey.openai' ? KEY : undefined), env: { OPENAI_API_KEY: 'from-env-key' } },
      fetch: (input, init) => {
        sent = new Headers(init?.headers).get('authorization') ?? undefined;
        return fetch(input, init);
      },
    });
    const controller = new AbortController();
    await provider.plan('How does the kettle boil water?', { signal: controller.signal, maxTasks: 20 });
    assert.equal(sent, `Bearer ${KEY}`);
    assert.equal(provider.id, 'openai');
    const recorded = JSON.stringify(provider.settings);
    assert.ok(!recorded.includes(KEY) && !recorded.includes('from-env-key'));
    assert.deepEqual(parseModelConfig((provider.settings as { modelConfig: unknown }).modelConfig).endpoints[0]!.baseUrl, server.url);
    provider.dispose?.();
  });

  it("gives the provider a redactor of the keys it resolved (each endpoint's and Brave's), and none without a key", async () => {
    const braveKey = 'brave-key-0123456789';
    const provider = await createProviderFromSettings({
      settings: {
        provider: 'openai',
        modelConfig: parseModelConfig({ endpoints: [{ name: 'a', baseUrl: server.url }, { name: 'b', baseUrl: `${server.url}/b` }], model: 'm' }),
        search: { backend: 'brave' },
      },
      root,
      runDir: path.join(root, 'r'),
      keys: { secretGet: async (k) => (k === 'research.apiKey.a' ? KEY : undefined), env: { RESEARCH_B_API_KEY: 'endpoint-b-key-42', BRAVE_API_KEY: braveKey } },
    });
    assert.equal(provider.redactor?.text(`${KEY} endpoint-b-key-42 ${Buffer.from(braveKey).toString('base64')}`), '[redacted] [redacted] [redacted]');
    provider.dispose?.();
    const keyless = await createProviderFromSettings({ settings: { provider: 'openai', model: { openaiBaseUrl: server.url, models: { planner: 'm' } } }, root, keys: { env: {} } });
    assert.equal(keyless.redactor, undefined);
    keyless.dispose?.();
  });

  it('vscode-lm: uses the ChatModel it is given, and is refused without one', async () => {
    await assert.rejects(createProviderFromSettings({ settings: { provider: 'vscode-lm' }, root, keys: {} }), /only inside VS Code/);
    const calls: string[] = [];
    const chat: ChatModel = {
      id: 'copilot/gpt-test',
      complete: async (request) => {
        calls.push(request.messages[0]!.content.slice(0, 20));
        return { text: scriptedModel()({ model: 'x', messages: request.messages }), usage: { inputTokens: 1, outputTokens: 1 }, model: 'copilot/gpt-test', endpoint: 'vscode.lm' };
      },
    };
    const provider = await createProviderFromSettings({ settings: { provider: 'vscode-lm', lm: { vendor: 'copilot' } }, root, keys: {}, chatModelForLm: chat });
    assert.equal(provider.id, 'vscode-lm');
    assert.match(provider.label, /VS Code language model \(copilot\)/);
    const result = await research({ question: 'How does the kettle boil water?', root, provider, journal: false });
    assert.equal(result.outcome, 'completed');
    assert.match(await readFile(result.reportPath, 'utf8'), /zephyrine kettle boils water/);
    assert.ok(calls.length >= 4);
  });

  it('web research: quotes link to the page and its stored copy, verified against what was read', async () => {
    const r = await webRun();
    assert.equal(r.result.outcome, 'completed', JSON.stringify(r.result.tasks.map((t) => [t.spec.id, t.state, t.reason])));
    const index = JSON.parse(await readFile(path.join(r.runDir, 'sources', 'index.json'), 'utf8')) as { sources: { url: string }[] };
    assert.deepEqual(index.sources.map((s) => s.url).sort(), [`${web.pages}/ferry`, `${web.pages}/injected`]);
    // The page is linked, with the stored copy's lines beside it.
    assert.ok(r.report.includes(`(${web.pages}/ferry)`), r.report);
    assert.ok(r.report.includes(`[127.0.0.1:${new URL(web.pages).port}/ferry, line 1](${web.pages}/ferry) ([stored copy](sources/s1.txt#L1))`), 'a citation links the page and the stored lines');
    assert.match(r.report, /\[Ferry protocol\]\([^)]*\/ferry\) — stored copy \[\.research\/[^\]]+\/sources\/s1\.txt\]\(sources\/s1\.txt\)/);
    assert.match(r.report, /quokka ferry protocol requires exactly seventeen brass lanterns/);
    assert.doesNotMatch(r.report, /Unverified/);
    const runMeta = JSON.parse(await readFile(path.join(r.runDir, 'run.json'), 'utf8')) as { providerId: string; options: { provider: { search: unknown } } };
    assert.equal(runMeta.providerId, 'openai');
    assert.deepEqual(runMeta.options.provider.search, { backend: 'searxng', searxngUrl: web.searxng, allowPrivateAddresses: true });
  });

  it("a page's orders and the model's invented quote never appear as sourced", async () => {
    server.respondWith(obedientModel());
    const r = await webRun();
    assert.equal(r.result.outcome, 'completed');
    const evidence = r.report.slice(r.report.indexOf('## Evidence'));
    assert.ok(!evidence.includes('ninety brass lanterns'), 'the invented quote is not evidence');
    assert.match(r.report, /could not be found in (its|their) sources? and (was|were) left out/);
    assert.match(r.report, /ninety brass lanterns[^\n]*quotation not found in the cited sources/, 'the claim repeated in the prose is marked');
  });

  it('with the journal on, the key is in no file of the run and in no event, even when a server echoes it', async () => {
    server.queue({ kind: 'status', status: 503, message: `upstream rejected key ${KEY}` });
    const r = await webRun();
    assert.equal(r.result.outcome, 'completed');
    const files = await filesUnder(r.runDir);
    for (const name of ['journal.jsonl', 'run.json', 'report.md']) assert.ok(files.some((f) => path.basename(f) === name), `${name} written`);
    assert.ok(files.some((f) => f.includes(`${path.sep}sources${path.sep}`)), 'sources stored');
    for (const file of files) {
      const text = await readFile(file, 'utf8');
      assert.ok(!text.includes(KEY) && !text.includes('SECRET'), `${path.relative(r.runDir, file)} holds no key`);
    }
    const events = JSON.stringify(r.events);
    assert.ok(!events.includes(KEY) && !events.includes('SECRET'));
    assert.ok(server.requests.some((q) => q.fault === 'status'), 'the echoing 503 was served');
  });
});
