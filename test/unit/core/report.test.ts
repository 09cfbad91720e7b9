import assert from 'node:assert/strict';
import * as path from 'node:path';
import MarkdownIt from 'markdown-it';
import { blockquote, codeFence, escapeLine, sourceHref } from '../../../src/core/markdown';
import { renderReport, type ReportInput } from '../../../src/core/report';
import { computeStatistics } from '../../../src/core/stats';
import type { TaskSnapshot } from '../../../src/core/task';
import { planOf, task } from '../helpers';

function snapshot(spec: ReturnType<typeof planOf>['tasks'][number], extra: Partial<TaskSnapshot>): TaskSnapshot {
  return { spec, state: 'COMPLETED', attempts: 1, retries: 0, busyMs: 1, ...extra };
}

function input(tasks: TaskSnapshot[], extra: Partial<ReportInput> = {}): ReportInput {
  return {
    runId: 'run-1',
    question: 'What does the widget do?',
    outcome: tasks.every((t) => t.state === 'COMPLETED') ? 'completed' : 'partial',
    stats: computeStatistics(tasks, { startedAt: 0, endedAt: 1000, concurrency: 2 }),
    tasks,
    root: '/ws',
    reportPath: '/ws/.research/run-1/report.md',
    providerLabel: 'offline',
    startedAt: 0,
    ...extra,
  };
}

describe('report', () => {
  const plan = planOf([task('s1', [], { facet: 'Widget' }), task('syn', ['s1'], { kind: 'synthesize' })]);
  const [s1, syn] = plan.tasks as [typeof plan.tasks[0], typeof plan.tasks[0]];
  const source = { path: 'docs/my widget (v2).md', startLine: 3, endLine: 4 };

  it('renders quotes verbatim but inert, with citations relative to the report', () => {
    const hostile = 'Click [here](javascript:alert(1)) <script>alert(1)</script>\n# not a heading';
    const md = renderReport(
      input([
        snapshot(s1, { result: { summary: '', findings: [] } }),
        snapshot(syn, { result: { summary: '', draft: { title: 'What does the widget do?', method: 'Extractive.', sections: [{ heading: 'Widget', blocks: [{ kind: 'quote', text: hostile, source }] }] } } }),
      ]),
    );
    const html = new MarkdownIt({ html: true, linkify: true }).render(md);
    assert.ok(!html.includes('<script>'), 'no raw HTML from a source');
    assert.ok(!/<a href="javascript/.test(html), 'no live link from a source');
    assert.match(md, /> Click \[here\\\]\(javascript:alert\(1\)\) \\<script>alert\(1\)\\<\/script>/);
    assert.match(md, /> \\# not a heading/);
    assert.match(md, /— \[docs\/my widget \(v2\)\.md#L3-L4\]\(\.\.\/\.\.\/docs\/my%20widget%20\(v2\)\.md#L3\)/);
    assert.match(md, /## Run statistics/);
    assert.ok(!md.includes('This report is partial'));
  });

  it('when a synthesis completed without writing a report (a simulated plan), says so rather than that it did not run', () => {
    const md = renderReport(
      input(
        [
          snapshot(s1, { state: 'CANCELLED', reason: 'cancelled by the user' }),
          snapshot(syn, { result: { summary: 'simulated' } }),
        ],
        { outcome: 'partial' },
      ),
    );
    assert.match(md, /1 of 2 tasks did not complete, and no synthesis wrote a report: below is the evidence/);
    assert.ok(!md.includes('the synthesis did not run'));
  });

  it('when the synthesis did not run, lays out the evidence found and says what is missing', () => {
    const md = renderReport(
      input([
        snapshot(s1, { result: { summary: '', findings: [{ source, quote: 'It spins.', score: 2, facet: 'Widget' }] } }),
        snapshot(syn, { state: 'FAILED', reason: 'model answered garbage' }),
      ]),
    );
    assert.match(md, /This report is partial\.\*\* 1 of 2 tasks did not complete, and the synthesis did not run/);
    assert.match(md, /## Widget\n\n> It spins\./);
    assert.match(md, /## What is missing\n\n- \*\*syn\*\* \(synthesize, failed\) — task syn: model answered garbage/);
  });

  it('renders the Answer as a list of inline quotes, and names where an evidence quote sits', () => {
    const md = renderReport(
      input([
        snapshot(s1, { result: { summary: '', findings: [] } }),
        snapshot(syn, {
          result: {
            summary: '',
            draft: {
              title: 'Q',
              method: '',
              sections: [
                {
                  heading: 'Answer',
                  blocks: [
                    { kind: 'quote', inline: true, text: 'Jobs that _failed_\nare retried.', source },
                    { kind: 'quote', inline: true, language: 'typescript', text: 'const a = `x`;', source: { path: 'src/a.ts', startLine: 2, endLine: 2 } },
                  ],
                },
                {
                  heading: 'Widget',
                  blocks: [
                    { kind: 'quote', language: 'typescript', text: 'class Widget {}', source: { path: 'src/a.ts', startLine: 1, endLine: 1 }, where: { symbol: 'class Widget' } },
                    { kind: 'quote', text: 'Spins.', source, where: { headings: ['Guide', 'Spinning'] } },
                  ],
                },
              ],
            },
          },
        }),
      ]),
    );
    assert.match(md, /## Answer\n\n- “Jobs that _failed_ are retried\.” — \[docs/);
    assert.match(md, /- `` const a = `x`; `` — \[src\/a\.ts#L2\]/);
    assert.match(md, /— in class `Widget`, \[src\/a\.ts#L1\]/);
    assert.match(md, /— Guide › Spinning, \[docs/);
  });

  it('fences code so that backticks inside cannot close the fence', () => {
    const fenced = codeFence('a ```` b', 'ts');
    assert.ok(fenced.startsWith('`````ts\n'));
    assert.ok(fenced.endsWith('\n`````'));
  });

  it('escapes what only means something at the start of a line', () => {
    assert.equal(escapeLine('- item'), '\\- item');
    assert.equal(escapeLine('1. first'), '1\\. first');
    assert.equal(escapeLine('> quote'), '\\> quote');
    assert.equal(blockquote('a\n\nb'), '> a\n>\n> b');
  });

  it('makes links relative to wherever the report is written', () => {
    const ref = { path: 'src/a.ts', startLine: 1, endLine: 2 };
    assert.equal(sourceHref(ref, '/ws', '/ws/.research/r'), '../../src/a.ts#L1', 'the first cited line: VS Code ignores ranges in links');
    assert.equal(sourceHref(ref, '/ws', path.join('/elsewhere')), '../ws/src/a.ts#L1');
  });
});
