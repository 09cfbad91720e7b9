import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { useModelCli } from '../../support/model-cli-fixture';
import { runModelCli } from '../../support/run-cli';
import { callKind, scriptedModel } from '../../support/scripted-model';

const KEY = 'sk-test-SECRET-1234';

describe('CLI with --provider openai (built CLI against the fault server)', function () {
  this.timeout(60_000);
  const cli = useModelCli('rd-cli-openai-', scriptedModel, { 'kettle.md': '# Kettles\n\nThe zephyrine kettle boils water in ninety seconds flat.\n\nIts copper base spreads the heat evenly.\n' });

  it('researches end to end with OPENAI_API_KEY, shows tokens, and keeps the key out of output, events and report', async () => {
    cli.server.queue({ kind: 'status', status: 503 }, { kind: 'status', status: 429, retryAfterMs: '10' });
    const run = await runModelCli(['How fast does the kettle boil?', '--dir', cli.dir, '--provider', 'openai', '--base-url', cli.server.url, '--model', 'm', '--json'], {
      OPENAI_API_KEY: KEY,
    });
    assert.equal(run.code, 0, run.stderr);
    const last = JSON.parse(run.stdout.trimEnd().split('\n').pop()!) as { reportPath: string; outcome: string; stats: { usage: { inputTokens: number } } };
    assert.equal(last.outcome, 'completed');
    assert.ok(last.stats.usage.inputTokens > 0);
    const report = readFileSync(last.reportPath, 'utf8');
    assert.match(report, /ninety seconds flat/);
    assert.match(report, /OpenAI-compatible \(127\.0\.0\.1:\d+: m\)/);
    assert.ok(cli.server.requests.every((r) => r.headers.authorization === `Bearer ${KEY}`));
    assert.ok(cli.server.requests.some((r) => callKind(r.body) === 'synthesize'));
    for (const text of [run.stdout, run.stderr, report]) assert.ok(!text.includes(KEY) && !text.includes('SECRET'));
  });

  it('prints tokens on the progress output', async () => {
    const run = await runModelCli(['How fast does the kettle boil?', '--dir', cli.dir, '--provider', 'openai', '--base-url', cli.server.url, '--model', 'm'], { OPENAI_API_KEY: KEY });
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stderr, /Tokens: \d+ in, \d+ out/);
  });

  it('refuses bad model options with exit 2 and a message that says what to fix', async () => {
    const cases: [string[], RegExp, NodeJS.ProcessEnv?][] = [
      [['q', '--provider', 'openai', '--base-url', cli.server.url], /needs a model: add --model/],
      [['q', '--provider', 'openai', '--model', 'm', '--base-url', 'not a url'], /is not a URL/],
      [['q', '--provider', 'openai', '--model', 'gpt-4o-mini'], /needs an API key: in VS Code run "Research: Set API Key" and choose "api.openai.com"; in a terminal set the OPENAI_API_KEY environment variable/],
      [['q', '--provider', 'openai', '--model', 'm', '--api-key', KEY], /never given on the command line/],
      [['q', '--model', 'm'], /needs a model provider: add --provider openai/],
    ];
    for (const [args, message, env] of cases) {
      const run = await runModelCli([...args, '--dir', cli.dir], env);
      assert.equal(run.code, 2, `${args.join(' ')}: ${run.stderr}`);
      assert.match(run.stderr, message);
      assert.ok(!run.stderr.includes(KEY));
    }
    assert.equal(cli.server.requests.length, 0);
  });

  it('reads endpoints, roles and a budget from --models-config', async () => {
    const config = path.join(cli.dir, 'models.json');
    writeFileSync(config, JSON.stringify({ endpoints: [{ name: 'local', baseUrl: cli.server.url }], roles: { planner: 'p', researcher: 'r', writer: 'w' } }));
    const run = await runModelCli(['How fast does the kettle boil?', '--dir', cli.dir, '--provider', 'openai', '--models-config', config]);
    assert.equal(run.code, 0, run.stderr);
    assert.deepEqual([...new Set(cli.server.requests.map((r) => r.body.model))].sort(), ['p', 'r', 'w']);
    writeFileSync(config, JSON.stringify({ endpoints: [{ baseUrl: cli.server.url, apiKey: KEY }], model: 'm' }));
    const refused = await runModelCli(['q', '--dir', cli.dir, '--provider', 'openai', '--models-config', config]);
    assert.equal(refused.code, 2);
    assert.match(refused.stderr, /API keys never go in configuration/);
    assert.ok(!refused.stderr.includes(KEY));
  });
});
