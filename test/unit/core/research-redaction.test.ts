import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { EventBus, type DispatcherEvent } from '../../../src/core/events';
import type { ResearchProvider } from '../../../src/core/provider';
import { research } from '../../../src/core/research';
import { resumeResearch } from '../../../src/core/resume';
import { SecretRedactor } from '../../../src/core/secret-redactor';

const KEY = 'rd-Key-0123456789abcdefXYZ';

/** The key in each form a server may echo it; none of them may be recorded. */
const FORMS = [
  KEY,
  KEY.toUpperCase(),
  KEY.toLowerCase(),
  encodeURIComponent(KEY),
  Buffer.from(KEY).toString('base64'),
  Buffer.from(KEY).toString('base64url'),
  Buffer.from(KEY).toString('hex'),
  Buffer.from(`user:${KEY}`).toString('base64'),
];
/** Pieces of the key that are in no form once it is redacted (what a leak would show). */
const LEAKS = [KEY, KEY.toLowerCase(), Buffer.from(KEY).toString('hex'), Buffer.from(KEY).toString('base64').slice(4, 24), Buffer.from(KEY.slice(3)).toString('base64').slice(0, 20)];

function assertNoKey(what: string, text: string): void {
  for (const leak of LEAKS) assert.ok(!text.toLowerCase().includes(leak.toLowerCase()), `${what} holds the key (${leak}):\n${text.slice(0, 2000)}`);
}

/** A provider whose successful plan and results, a failure and a log line echo its key in every form. */
function echoingProvider(redactor: SecretRedactor | undefined): ResearchProvider {
  return {
    id: 'test',
    label: 'test provider',
    ...(redactor && { redactor }),
    plan: async (question, context) => {
      context.log?.('warn', `planning with ${FORMS[0]}`);
      return {
        question,
        tasks: [
          { id: 'echo', kind: 'search', description: `look it up: ${FORMS.join(' ')}`, dependsOn: [], priority: 5 },
          { id: 'fails', kind: 'search', description: 'fails', dependsOn: [], priority: 5 },
          { id: 'write', kind: 'synthesize', description: 'writes', dependsOn: ['echo', 'fails'], priority: 5 },
        ],
      };
    },
    replan: async () => {
      throw new Error('not used');
    },
    execute: async (task) => {
      if (task.id === 'fails') throw new Error(`invalid key ${FORMS[4]}`);
      return {
        summary: `the server said ${FORMS.join(', ')}`,
        findings: FORMS.map((quote, i) => ({ source: { path: 'a.md', startLine: i + 1, endLine: i + 1 }, quote: `Quote: ${quote}`, score: 1, facet: KEY })),
      };
    },
  };
}

describe('research() with a provider that holds a key', () => {
  it('keeps the key, in every form, out of the journal, run.json, the report and the events', async () => {
    const root = mkdtempSync(path.join(tmpdir(), 'rd-redact-'));
    const bus = new EventBus();
    const events: DispatcherEvent[] = [];
    bus.onAny((event) => events.push(event));
    const result = await research({ question: 'What is the key?', root, provider: echoingProvider(SecretRedactor.of([KEY])), bus, runId: 'run-k', retry: { maxRetries: 0 } });
    const runDir = path.join(root, '.research', 'run-k');
    const journal = readFileSync(path.join(runDir, 'journal.jsonl'), 'utf8');
    assertNoKey('journal.jsonl', journal);
    assertNoKey('run.json', readFileSync(path.join(runDir, 'run.json'), 'utf8'));
    const report = readFileSync(result.reportPath, 'utf8');
    assertNoKey('report.md', report);
    assertNoKey('the events', JSON.stringify(events));
    // Redacted, not dropped: the work is still recorded.
    assert.match(journal, /the server said \[redacted\]/);
    assert.match(journal, /invalid key \[redacted\]/);
    assert.match(report, /Quote: \[redacted\]/); // shown as written: no link can come of it

    // A resume journals and rewrites run.json through the same redactor.
    const resumed = await resumeResearch({ runId: 'run-k', root, provider: echoingProvider(SecretRedactor.of([KEY])), retry: { maxRetries: 0 } });
    assertNoKey('journal.jsonl after resume', readFileSync(path.join(runDir, 'journal.jsonl'), 'utf8'));
    assertNoKey('run.json after resume', readFileSync(path.join(runDir, 'run.json'), 'utf8'));
    assertNoKey('report.md after resume', readFileSync(resumed.reportPath, 'utf8'));
  });

  it('records everything as it is when the provider holds no key', async () => {
    const root = mkdtempSync(path.join(tmpdir(), 'rd-redact-'));
    await research({ question: 'What is the key?', root, provider: echoingProvider(undefined), runId: 'run-n', retry: { maxRetries: 0 } });
    assert.ok(readFileSync(path.join(root, '.research', 'run-n', 'journal.jsonl'), 'utf8').includes(KEY));
  });
});
