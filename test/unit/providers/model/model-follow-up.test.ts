import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { research } from '../../../../src/core/research';
import { resumeResearch } from '../../../../src/core/resume';
import { parseModelConfig } from '../../../../src/providers/model/model-config';
import { createWorkspaceSources } from '../../../../src/providers/model/workspace-sources';
import { createOpenAIResearchProvider } from '../../../../src/providers/openai';
import { startFaultServer, type FaultServer } from '../../../support/fault-server';
import { isCall, scriptedModel } from '../../../support/scripted-model';
import { makeWorkspace, removeWorkspace } from '../../../support/workspace-fixture';

const FILES = {
  'docs/kettle.md': '# Kettles\n\nThe zephyrine kettle boils water in ninety seconds flat.\n',
  'notes/copper.md': '# Materials\n\nThe kettle has a copper base that spreads heat evenly.\n',
};

describe('follow-ups with a model (the scripted model, real openai SDK)', function () {
  this.timeout(30_000);
  let root: string;
  let server: FaultServer;
  beforeEach(async () => {
    root = await makeWorkspace(FILES);
    server = await startFaultServer(scriptedModel());
  });
  afterEach(async () => {
    await server.close();
    await removeWorkspace(root);
  });

  const provider = () =>
    createOpenAIResearchProvider({
      config: parseModelConfig({ endpoints: [{ name: 'local', baseUrl: server.url }], model: 'm', prices: { m: { inputPerMillion: 1000, outputPerMillion: 1000 } } }),
      sources: createWorkspaceSources({ root }),
      keyFor: () => 'sk-test-key',
    });

  it('the replan sees the run’s findings; only the new round runs; the report gains its section; tokens and cost are counted per round and in total', async () => {
    const first = await research({ question: 'How does the kettle boil water?', root, provider: provider() });
    assert.equal(first.outcome, 'completed');
    const callsBefore = server.requests.length;
    server.queueFor(isCall('replan'), {
      kind: 'reply',
      content: JSON.stringify({
        tasks: [
          { id: 'search-materials', kind: 'search', description: 'Find the materials', query: 'copper base', facet: 'Materials' },
          { id: 'synthesize-materials', kind: 'synthesize', description: 'Answer the follow-up', dependsOn: ['search-materials'] },
        ],
      }),
    });
    const again = await resumeResearch({ runId: first.runId, root, provider: provider(), followUp: 'What is the kettle made of?' });
    assert.equal(again.outcome, 'completed');

    const replan = server.requests.slice(callsBefore).find((r) => isCall('replan')(r.body))!;
    const prompt = replan.body.messages.map((m) => m.content).join('\n');
    assert.match(prompt, /What is the kettle made of\?/);
    assert.match(prompt, /search-1 \[search, completed\]: .* — result: /, 'the planner sees what the run found');
    const extracts = server.requests.slice(callsBefore).filter((r) => isCall('extract')(r.body));
    assert.equal(extracts.length, 1, 'only the new search ran');

    const report = readFileSync(again.reportPath, 'utf8');
    assert.match(report, /^## Follow-up: What is the kettle made of\?$/m);
    assert.match(report, /^### Details$/m, 'the follow-up’s sections sit under it');
    const rounds = /\| Rounds \| the question: (\d+) tokens, \$[\d.]+; follow-up 1 \(What is the kettle made of\?\): (\d+) tokens, \$[\d.]+ \|/.exec(report);
    assert.ok(rounds, report.slice(report.indexOf('## Run statistics')));
    const tokens = /\| Tokens \| (\d+) in, (\d+) out \|/.exec(report)!;
    assert.equal(Number(tokens[1]) + Number(tokens[2]), Number(rounds[1]) + Number(rounds[2]), 'the total is both rounds');
    const meta = JSON.parse(readFileSync(join(root, '.research', first.runId, 'run.json'), 'utf8'));
    assert.equal(meta.usage.inputTokens + meta.usage.outputTokens, Number(rounds[1]) + Number(rounds[2]), 'run.json counts every round');
    assert.deepEqual(meta.followUps, ['What is the kettle made of?']);
  });
});
