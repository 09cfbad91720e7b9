import assert from 'node:assert/strict';
import type { TaskResult } from '../../../../src/core/executor';
import type { Finding } from '../../../../src/core/sources';
import { runAnalyze } from '../../../../src/providers/offline/analyze-task';
import { readAnalysisData } from '../../../../src/providers/offline/result-data';
import { taskContext } from '../../../support/workspace-fixture';

function finding(path: string, startLine: number, endLine: number, score: number): Finding {
  return { source: { path, startLine, endLine }, quote: `${path} ${startLine}-${endLine}`, score };
}

function searchResult(facet: string, findings: Finding[]): TaskResult {
  return { summary: '', findings, data: { kind: 'offline-search', facet, query: facet.toLowerCase(), corpus: undefined } };
}

const analyzeTask = { id: 'analyze', kind: 'analyze' as const, description: 'analyze', dependsOn: ['search-1', 'search-2', 'search-3'], priority: 5 };

describe('offline analysis', () => {
  it('quotes a passage found by several facets once, under the facet it matches best, and notes the shared file', () => {
    const inputs = new Map([
      // For "Retries" the shared passage is only a middling match (0.5 of its best) …
      ['search-1', searchResult('Retries', [finding('src/retry.ts', 1, 10, 10), finding('src/scheduler.ts', 5, 9, 5)])],
      // … for "Scheduler" it is the best match, so it goes there.
      ['search-2', searchResult('Scheduler', [finding('src/scheduler.ts', 5, 9, 8), finding('src/scheduler.ts', 20, 30, 6)])],
    ]);
    const result = runAnalyze(analyzeTask, taskContext('q', { inputs }));
    assert.deepEqual(
      result.findings!.map((f) => [f.facet, f.source.path, f.source.startLine]),
      [
        ['Retries', 'src/retry.ts', 1],
        ['Scheduler', 'src/scheduler.ts', 5],
        ['Scheduler', 'src/scheduler.ts', 20],
      ],
    );
    const data = readAnalysisData(result.data)!;
    assert.deepEqual(data.sharedFiles, [{ path: 'src/scheduler.ts', facets: ['Scheduler', 'Retries'] }]);
    assert.deepEqual(data.missing, ['search-3']);
    assert.deepEqual(data.facets.map((f) => [f.facet, f.found, f.kept]), [
      ['Retries', 2, 1],
      ['Scheduler', 2, 2],
    ]);
  });

  it('quotes text copied into several files only once', () => {
    const copy = (path: string, score: number) => ({ ...finding(path, 1, 5, score), quote: 'export function spin() {}' });
    const inputs = new Map([['search-1', searchResult('Spin', [copy('dist/cjs/index.js', 9), copy('dist/esm/index.js', 9), finding('src/spin.ts', 3, 4, 8)])]]);
    const result = runAnalyze({ ...analyzeTask, dependsOn: ['search-1'] }, taskContext('q', { inputs }));
    assert.deepEqual(result.findings!.map((f) => f.source.path), ['dist/cjs/index.js', 'src/spin.ts']);
  });

  it("keeps an aspect's passages only when they hold up against what the subject alone found", () => {
    const aspect = (findings: Finding[]): TaskResult => ({
      summary: '',
      findings,
      data: { kind: 'offline-search', facet: 'Overview and purpose', query: 'log rotation', focus: 'overview purpose', corpus: undefined },
    });
    const subject = searchResult('Log rotation', [finding('docs/help.md', 30, 39, 100), finding('docs/help.md', 57, 59, 80)]);
    // A pointer line ("see our docs for more details") shares a word with the question: far below the subject's best.
    const weak = runAnalyze({ ...analyzeTask, dependsOn: ['search-1', 'search-2'] }, taskContext('q', { inputs: new Map([['search-1', subject], ['search-2', aspect([finding('README.md', 103, 103, 12)])]]) }));
    assert.deepEqual(weak.findings!.map((f) => f.source.path), ['docs/help.md', 'docs/help.md']);
    assert.deepEqual(readAnalysisData(weak.data)!.facets.map((f) => f.kept), [2, 0], 'the aspect is left with nothing of its own');
    // So is an aspect whose best reaches under 0.4 of the subject's (a logo line that names the subject once).
    const middling = runAnalyze({ ...analyzeTask, dependsOn: ['search-1', 'search-2'] }, taskContext('q', { inputs: new Map([['search-1', subject], ['search-2', aspect([finding('README.md', 1, 3, 30)])]]) }));
    assert.deepEqual(readAnalysisData(middling.data)!.facets.map((f) => f.kept), [2, 0]);
    // An overview of the subject itself scores on the subject's scale, and stays.
    const strong = runAnalyze({ ...analyzeTask, dependsOn: ['search-1', 'search-2'] }, taskContext('q', { inputs: new Map([['search-1', subject], ['search-2', aspect([finding('docs/rotation.md', 1, 8, 90)])]]) }));
    assert.ok(strong.findings!.some((f) => f.source.path === 'docs/rotation.md' && f.facet === 'Overview and purpose'));
  });

  it('keeps at most three strong passages per facet', () => {
    const many = [10, 9, 8, 7, 1].map((score, i) => finding(`f${i}.md`, 1, 2, score));
    const inputs = new Map([['search-1', searchResult('Everything', many)]]);
    const result = runAnalyze({ ...analyzeTask, dependsOn: ['search-1'] }, taskContext('q', { inputs }));
    assert.deepEqual(result.findings!.map((f) => f.score), [10, 9, 8]);
  });
});
