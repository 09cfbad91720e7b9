import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import type { ResearchProvider } from '../../../src/core/provider';
import { research } from '../../../src/core/research';

/** A provider whose tasks wait until cancelled, so a run can be cancelled mid-way. */
function hangingProvider(): ResearchProvider {
  return {
    id: 'test',
    label: 'test provider',
    plan: async (question) => ({
      question,
      tasks: [
        { id: 'fast', kind: 'search', description: 'answers at once', dependsOn: [], priority: 5 },
        { id: 'slow', kind: 'search', description: 'never answers', dependsOn: [], priority: 5 },
        { id: 'write', kind: 'synthesize', description: 'writes', dependsOn: ['fast', 'slow'], priority: 5 },
      ],
    }),
    replan: async () => {
      throw new Error('not used');
    },
    execute: (task, context) =>
      task.id === 'fast'
        ? Promise.resolve({ summary: 'found it', findings: [{ source: { path: 'a.md', startLine: 1, endLine: 1 }, quote: 'The answer is 42.', score: 1, facet: 'Answer' }] })
        : new Promise((_resolve, reject) => context.signal.addEventListener('abort', () => reject(context.signal.reason))),
  };
}

describe('research()', () => {
  it('writes the partial report of a cancelled run, with what was found and what is missing', async () => {
    const root = mkdtempSync(path.join(tmpdir(), 'rd-research-'));
    const controller = new AbortController();
    const result = await research({
      question: 'What is the answer?',
      root,
      provider: hangingProvider(),
      signal: controller.signal,
      runId: 'run-x',
      onDispatcher: (d) => d.bus.on('task:result', () => setTimeout(() => controller.abort(), 10)),
    });
    assert.equal(result.outcome, 'cancelled');
    assert.equal(result.reportPath, path.join(root, '.research', 'run-x', 'report.md'));
    const report = readFileSync(result.reportPath, 'utf8');
    assert.match(report, /> The answer is 42\./, 'the evidence found before the cancel is in the report');
    assert.match(report, /\*\*slow\*\* \(search, cancelled\)/);
    assert.match(report, /\*\*write\*\* \(synthesize, cancelled\)/);
  });

  it('refuses an empty question before planning', async () => {
    let planned = false;
    const provider = { ...hangingProvider(), plan: async () => ((planned = true), { question: '', tasks: [] }) };
    await assert.rejects(research({ question: ' \n ', root: tmpdir(), provider }), /question is empty/);
    assert.equal(planned, false);
  });
});
