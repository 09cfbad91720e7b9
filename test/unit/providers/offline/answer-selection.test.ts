import assert from 'node:assert/strict';
import type { Finding } from '../../../../src/core/sources';
import { selectAnswer, unitsOf, type AnswerCandidate } from '../../../../src/providers/offline/answer-selection';
import { searchTerms } from '../../../../src/providers/offline/search-terms';
import { quoteMatches } from '../../../../src/providers/offline/verify-quote';

function finding(path: string, startLine: number, quote: string): Finding {
  return { source: { path, startLine, endLine: startLine + quote.split('\n').length - 1 }, quote, score: 1 };
}

function weightsOf(question: string, heavy: Record<string, number> = {}): Map<string, number> {
  return new Map([...searchTerms(question)].map((term) => [term, heavy[term] ?? 1]));
}

const candidate = (f: Finding, relative = 1): AnswerCandidate => ({ finding: f, context: {}, relative });

/** The Answer to `question` from `candidates`, its words weighed alike but for `heavy`. */
const answerTo = (question: string, candidates: readonly AnswerCandidate[], heavy: Record<string, number> = {}) => selectAnswer(candidates, weightsOf(question, heavy), question);

describe('offline answer selection', () => {
  it('splits prose into sentences spanning their lines, code into lines, each a verbatim span', () => {
    const prose = finding('docs/guide.md', 10, '## Retries\n\nA failed request is retried twice. The delay doubles each\ntime, up to a cap.\n- jitter is added to spread retries');
    const units = unitsOf(prose);
    assert.deepEqual(units.map((u) => [u.quote, u.source.startLine, u.source.endLine]), [
      ['A failed request is retried twice.', 12, 12],
      ['The delay doubles each\ntime, up to a cap.', 12, 13],
      ['jitter is added to spread retries', 14, 14],
    ]);
    const lines = ['x', ...Array(8).fill('filler'), ...prose.quote.split('\n')];
    for (const unit of units) assert.ok(quoteMatches(lines, { source: unit.source, quote: unit.quote, score: 0 }, 'within'), unit.quote);

    // Code whose fence opened in an earlier passage is not a sentence.
    const midFence = unitsOf(finding('docs/transports.md', 7, "const transport = pino.transport({ target: 'pino-roll' });\n\nThe transport runs in a worker thread."));
    assert.deepEqual(midFence.map((u) => u.quote), ['The transport runs in a worker thread.']);
    // A passage that holds the end of such a block (its closing fence) quotes the code as code.
    const fenceEnd = unitsOf(finding('README.md', 20, "const agent = new ProxyAgent('http://localhost:8888');\n```\n\nThe agent is passed to fetch."));
    assert.deepEqual(fenceEnd.map((u) => [u.quote, u.code]), [
      ["const agent = new ProxyAgent('http://localhost:8888');", true],
      ['The agent is passed to fetch.', false],
    ]);

    // A comment is words, quoted without its markers (still a span of its line); other lines are code.
    const source = '/** Waits longer after each failure. */\nexport function backoff(n: number) {\n  // x\n}';
    const code = unitsOf(finding('src/retry.ts', 3, source));
    assert.deepEqual(code.map((u) => [u.quote, u.source.startLine, u.code]), [
      ['Waits longer after each failure.', 3, false],
      ['export function backoff(n: number) {', 4, true],
    ]);
    // A comment inside a doc comment's example is words too, without either marker.
    assert.deepEqual(unitsOf(finding('lib/mocha.js', 740, ' * // Allow any failed test to retry one more time')).map((u) => [u.quote, u.code]), [['Allow any failed test to retry one more time', false]]);
    const codeLines = ['', '', ...source.split('\n')];
    for (const unit of code) assert.ok(quoteMatches(codeLines, { source: unit.source, quote: unit.quote, score: 0 }, 'within'), unit.quote);
  });

  it('picks the sentence that covers the most specific words of the question first', () => {
    const question = 'How are failed requests retried with a delay?';
    const picked = answerTo(
      question,
      [
        candidate(finding('docs/a.md', 1, 'Requests are sent over HTTP. Each request has a timeout.')),
        candidate(finding('docs/retry.md', 1, 'A failed request is retried after a delay that doubles each time.')),
      ],
    );
    assert.equal(picked[0]?.source.path, 'docs/retry.md');
  });

  it('does not repeat itself: a near-copy of a picked sentence loses to a new one (MMR)', () => {
    const question = 'How are failed requests retried?';
    const picked = answerTo(
      question,
      [
        candidate(finding('docs/a.md', 1, 'A failed request is retried up to three times.')),
        candidate(finding('docs/b.md', 1, 'A failed request is retried up to three times, always.')),
        candidate(finding('docs/c.md', 1, 'Requests that failed are retried only when idempotent.'), 0.9),
      ],
    );
    assert.deepEqual(picked.slice(0, 2).map((u) => u.source.path), ['docs/a.md', 'docs/c.md']);
  });

  it('leaves out a line that repeats the question, and boilerplate ranks last', () => {
    const question = 'How does the scheduler order ready tasks?';
    const picked = answerTo(
      question,
      [
        candidate(finding('README.md', 1, 'npm run research -- "How does the scheduler order ready tasks?"')),
        { finding: finding('CHANGELOG.md', 1, 'The scheduler now orders ready tasks by priority.'), context: { boilerplate: 'changelog' }, relative: 1 },
        candidate(finding('docs/scheduler.md', 1, 'Ready tasks are ordered by their remaining critical path.'), 0.8),
      ],
    );
    assert.ok(!picked.some((u) => u.source.path === 'README.md'));
    assert.equal(picked[0]?.source.path, 'docs/scheduler.md');
  });

  it('answers "how do I" from the documentation and "how is it implemented" from the code, other things equal', () => {
    const candidates = [
      candidate(finding('docs/retries.md', 1, 'Set maxRetries to change how often a failed request is retried.')),
      candidate(finding('src/retries.ts', 1, '// Set maxRetries to change how often a failed request is retried.')),
    ];
    const ask = (question: string) => answerTo(question, candidates)[0]?.source.path;
    assert.equal(ask('How do I change how often a failed request is retried?'), 'docs/retries.md');
    assert.equal(ask('Where is the code that decides how often a failed request is retried?'), 'src/retries.ts');
    // A question that names code asks for it in so many words: a less complete line of code still comes first.
    const partial = [
      candidate(finding('docs/lists.md', 1, 'A document style may change how ordered list items are numbered and indented.')),
      candidate(finding('src/md029.ts', 1, '// Checks the numbers of list items.')),
    ];
    const question = 'Where is the code that checks how ordered list items are numbered and indented?';
    assert.equal(answerTo(question, partial)[0]?.source.path, 'src/md029.ts');
  });

  it('does not answer with an import line, which names things without saying what they do', () => {
    const question = 'How are requests sent through a proxy agent?';
    const picked = answerTo(
      question,
      [
        candidate(finding('src/client.ts', 1, "import { sendRequest, ProxyAgent } from './proxy-agent';")),
        candidate(finding('src/proxy.ts', 1, '// Each request goes through the proxy you configure.'), 0.9),
      ],
      { agent: 3 },
    );
    assert.equal(picked[0]?.source.path, 'src/proxy.ts');
  });

  it('counts a function assigned to a name (`const isoTime = () =>`) as a declaration, above a line that only calls it', () => {
    const question = 'How is the ISO time string of each line produced?';
    const picked = answerTo(
      question,
      [
        candidate(finding('src/time.js', 1, 'const isoTime = () => new Date(Date.now()).toISOString();')),
        candidate(finding('src/write.js', 1, "line = isoTime() + ' ' + timeString(stamp, line);")),
      ],
    );
    assert.equal(picked[0]?.source.path, 'src/time.js');
  });

  it('ranks a sentence that only points elsewhere below one that answers', () => {
    const question = 'How do transports ship logs?';
    const picked = answerTo(
      question,
      [candidate(finding('README.md', 1, 'See the transports document for more details on how logs ship.')), candidate(finding('docs/transports.md', 1, 'A transport ships logs from a worker thread.'), 0.8)],
    );
    assert.equal(picked[0]?.source.path, 'docs/transports.md');
  });

  it('answers nothing when nothing matches the question', () => {
    assert.deepEqual(answerTo('kettle thermostat', [candidate(finding('a.md', 1, 'Completely unrelated prose about gardens.'))]), []);
  });
});
