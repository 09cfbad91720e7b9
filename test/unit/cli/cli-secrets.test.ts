import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { useModelCli } from '../../support/model-cli-fixture';
import { lastLine, runModelCli } from '../../support/run-cli';
import type { ChatBody } from '../../support/fault-server';
import { callKind, scriptedModel } from '../../support/scripted-model';

/** Not `sk-…` shaped, so only the configured key's redaction can hide it; `/+=` change when URL-encoded. */
const KEY = 'rdTestKey_0123456789/abcdef+GHIJ=';

/** The key in each form a server may echo it. */
const FORMS = {
  asIs: KEY,
  upper: KEY.toUpperCase(),
  lower: KEY.toLowerCase(),
  url: encodeURIComponent(KEY),
  base64: Buffer.from(KEY).toString('base64'),
  base64url: Buffer.from(KEY).toString('base64url'),
  hex: Buffer.from(KEY).toString('hex'),
  basic: Buffer.from(`user:${KEY}`).toString('base64'),
};
const ECHO = Object.entries(FORMS)
  .map(([form, text]) => `${form} ${text}`)
  .join('; ');

/** What would show the key in any form once it is redacted. */
const LEAKS = [KEY, encodeURIComponent(KEY), 'abcdef+GHIJ', 'abcdef%2BGHIJ', Buffer.from(KEY).toString('hex'), Buffer.from(KEY).toString('base64').slice(4, 28), Buffer.from(KEY.slice(2)).toString('base64').slice(0, 24)];

function assertNoKey(what: string, text: string): void {
  for (const leak of LEAKS) assert.ok(!text.toLowerCase().includes(leak.toLowerCase()), `${what} holds the key (${leak}):\n${text.slice(0, 3000)}`);
}

/** The scripted model, echoing the key it was sent in every form into its successful answers. */
function echoingModel() {
  const scripted = scriptedModel();
  return (body: ChatBody): string => {
    switch (callKind(body)) {
      case 'plan':
        return JSON.stringify({
          tasks: [
            { id: 'search-1', kind: 'search', description: `Find it with ${ECHO}`, query: 'kettle boils water', facet: `Speed ${FORMS.asIs}` },
            { id: 'analyze', kind: 'analyze', description: `Compare ${FORMS.base64}`, dependsOn: ['search-1'] },
            { id: 'synthesize', kind: 'synthesize', description: `Write ${FORMS.hex}`, dependsOn: ['analyze'] },
          ],
        });
      case 'analyze': {
        const answer = JSON.parse(scripted(body)) as { points: { claim: string; evidence: string[] }[] };
        for (const point of answer.points) point.claim = `${point.claim} The key was ${ECHO}.`;
        return JSON.stringify(answer);
      }
      case 'synthesize':
        return `${scripted(body)}\n\nBy the way, your key: ${ECHO}.\n`;
      default:
        return scripted(body);
    }
  };
}

describe('CLI: the configured key, echoed by a server in a successful answer, is recorded nowhere', function () {
  this.timeout(60_000);
  const cli = useModelCli('rd-cli-secrets-', echoingModel, { 'kettle.md': '# Kettles\n\nThe zephyrine kettle boils water in ninety seconds flat.\n' });

  it('keeps it out of journal.jsonl, run.json, report.md and the --json output, in every form', async () => {
    const run = await runModelCli(['How fast does the kettle boil?', '--dir', cli.dir, '--provider', 'openai', '--base-url', cli.server.url, '--model', 'm', '--json'], {
      OPENAI_API_KEY: KEY,
    });
    assert.equal(run.code, 0, run.stderr);
    assert.ok(cli.server.requests.every((r) => r.headers.authorization === `Bearer ${KEY}`));
    const last = JSON.parse(lastLine(run.stdout)) as { reportPath: string; outcome: string };
    assert.equal(last.outcome, 'completed');
    const [runId] = readdirSync(path.join(cli.dir, '.research'));
    const runDir = path.join(cli.dir, '.research', runId!);
    const journal = readFileSync(path.join(runDir, 'journal.jsonl'), 'utf8');
    const report = readFileSync(last.reportPath, 'utf8');
    for (const [what, text] of [
      ['journal.jsonl', journal],
      ['run.json', readFileSync(path.join(runDir, 'run.json'), 'utf8')],
      ['report.md', report],
      ['--json stdout', run.stdout],
      ['stderr', run.stderr],
    ] as const) {
      assertNoKey(what, text);
    }
    // The answers themselves are kept, with the key replaced.
    assert.match(journal, /Find it with asIs \[redacted\]; upper \[redacted\]; lower \[redacted\]; url \[redacted\]; base64 \[redacted\]; base64url \[redacted\]; hex \[redacted\]; basic /);
    assert.match(report, /ninety seconds flat/);
    assert.match(report, /your key: asIs \\?\[redacted\\?\]; upper/); // the report escapes Markdown: \[redacted\]
  });
});
