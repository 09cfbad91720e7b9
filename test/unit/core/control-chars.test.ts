import assert from 'node:assert/strict';
import MarkdownIt from 'markdown-it';
import { jsonLine, printableLine, printableText, withoutControls } from '../../../src/core/control-chars';
import { renderReport, type ReportInput } from '../../../src/core/report';
import { computeStatistics } from '../../../src/core/stats';
import type { TaskSnapshot } from '../../../src/core/task';
import { printableLog } from '../../../src/extension/printable-log';
import { planOf, task } from '../helpers';

// What an attacker puts in a question, a task id, a file name or a model's answer.
const RETITLE = '\x1b]0;pwned\x07';
const CLEAR = '\x1b[2J';
const CSI8 = '\u009b31m'; // the one-byte (C1) form of ESC [
const BIDI = '\u202e';
const FORGED = 'real text\n✔ synthesize (0.1 s) — forged';

describe('control characters', () => {
  it('a line for the terminal shows every control character as an escape, newlines included', () => {
    assert.equal(printableLine(`a${RETITLE}b${CLEAR}c${CSI8}\rd${BIDI}e\nf\tg`), 'a\\x1b]0;pwned\\x07b\\x1b[2Jc\\x9b31m\\rd\\u202ee\\nf\tg');
    assert.equal(printableLine('plain text, ünïcode — fine'), 'plain text, ünïcode — fine');
  });

  it('a multi-line message keeps its lines but indents them, so none passes for a line of the program', () => {
    assert.equal(printableText(`plan is invalid:\n- ${CLEAR}x\r\nresearch: done\n`), 'plan is invalid:\n  - \\x1b[2Jx\n  research: done\n');
  });

  it('a document keeps tabs and newlines and loses the rest', () => {
    assert.equal(withoutControls(`a${RETITLE}b\r\nc\td${CSI8}${BIDI}`), 'a]0;pwnedb\nc\td31m');
  });

  it('a JSON line escapes what JSON.stringify leaves raw and stays the same value', () => {
    const value = { q: `x${CSI8}\u2028${BIDI}\x7f${CLEAR}` };
    const line = jsonLine(value);
    assert.ok(!/[\u007f-\u009f\u2028\u202e\u001b]/.test(line), line);
    assert.deepEqual(JSON.parse(line), value);
  });

  it('the VS Code output channel gets every message made printable', () => {
    const written: unknown[][] = [];
    const channel = {
      name: 'test',
      info: (...args: unknown[]) => written.push(['info', ...args]),
      error: (...args: unknown[]) => written.push(['error', ...args]),
      appendLine: (...args: unknown[]) => written.push(['appendLine', ...args]),
    };
    const log = printableLog(channel as never);
    log.info(`task ${RETITLE}search: ${FORGED}`);
    log.error(new Error(`failed ${CLEAR}`));
    log.appendLine(`${CSI8}red`);
    assert.equal(log.name, 'test');
    assert.deepEqual(written, [
      ['info', 'task \\x1b]0;pwned\\x07search: real text\n  ✔ synthesize (0.1 s) — forged'],
      ['error', 'failed \\x1b[2J'],
      ['appendLine', '\\x9b31mred'],
    ]);
  });
});

describe('report text from sources, plans and models', () => {
  const plan = planOf([task(`s1${RETITLE}`, [], { facet: 'Facet' }), task('syn', [`s1${RETITLE}`], { kind: 'synthesize', description: `Write\n## Injected heading` })]);
  const [s1, syn] = plan.tasks as [(typeof plan.tasks)[0], (typeof plan.tasks)[0]];
  const snapshot = (spec: typeof s1, extra: Partial<TaskSnapshot>): TaskSnapshot => ({ spec, state: 'COMPLETED', attempts: 1, retries: 0, busyMs: 1, ...extra });
  const source = { path: 'docs/a.md', startLine: 3, endLine: 3 };
  const webSource = { path: '.research/r/sources/s1.txt', startLine: 1, endLine: 1, url: 'https://verified.example/page', title: 'Verified page' };

  function report(): string {
    const tasks = [
      snapshot(s1, { state: 'FAILED', reason: `model said ${CLEAR}\n# Forged section` }),
      snapshot(syn, {
        result: {
          summary: '',
          draft: {
            title: `Why${RETITLE}?\n## Injected title`,
            method: 'Written by a model.',
            sections: [
              {
                heading: `Answer${CSI8}\n# Injected`,
                blocks: [
                  { kind: 'text', text: `# Not a heading${BIDI}. See https://evil.example/x, www.evil.example, //evil.example/p and mail me at a@evil.example.`, citations: [source] },
                  { kind: 'text', text: '- not a list\n1. nor this', citations: [] },
                  { kind: 'quote', text: `quoted https://evil.example/q and ${CLEAR}text`, source },
                  { kind: 'quote', text: 'A verified page says so.', source: webSource, verified: true },
                ],
              },
            ],
          },
        },
      }),
    ];
    const input: ReportInput = {
      runId: 'run-1',
      question: `Why${RETITLE}?\n## Injected question`,
      outcome: 'partial',
      stats: computeStatistics(tasks, { startedAt: 0, endedAt: 1000, concurrency: 2 }),
      tasks,
      root: '/ws',
      reportPath: '/ws/.research/run-1/report.md',
      providerLabel: 'test',
      startedAt: 0,
    };
    return renderReport(input);
  }

  it('has no control characters and no heading, list or quote that the report did not make', () => {
    const md = report();
    assert.ok(!/[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202e]/.test(md), 'no control characters');
    const tokens = new MarkdownIt().parse(md, {});
    const headings = tokens.filter((t) => t.type === 'heading_open').map((t) => tokens[tokens.indexOf(t) + 1]!.content);
    assert.deepEqual(headings.map((h) => h.replace(/\\/g, '').replace(/ .*/, '')), ['Why]0;pwned?', 'Answer31m', 'What', 'Sources', 'Run'], `the report's own headings only: ${headings.join(' | ')}`);
    assert.ok(headings[0]!.includes('Injected title'), 'a title with a line break stays one heading');
    assert.ok(!tokens.some((t) => t.type === 'bullet_list_open' && /not a list/.test(tokens[tokens.indexOf(t) + 3]?.content ?? '')), 'a sentence is not a list');
    assert.equal(tokens.filter((t) => t.type === 'ordered_list_open').length, 0);
  });

  it('links only the citations and the verified web source, even where a preview linkifies bare URLs', () => {
    const md = report();
    for (const options of [{}, { fuzzyLink: false }]) {
      const markdown = new MarkdownIt({ linkify: true });
      markdown.linkify.set(options);
      const html = markdown.render(md);
      const hrefs = [...html.matchAll(/<a href="([^"]*)"/g)].map((m) => m[1]!);
      assert.ok(hrefs.length >= 3, html);
      for (const href of hrefs) assert.ok(!/evil/.test(href), `no link to ${href}`);
      assert.ok(hrefs.includes('https://verified.example/page'), 'the verified page is a link');
      assert.match(html, /<code>https:\/\/evil\.example\/x<\/code>/, 'a bare URL is shown as code');
      assert.match(html, /<code>a@evil\.example<\/code>/);
    }
  });
});
