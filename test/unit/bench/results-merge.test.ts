import * as assert from 'node:assert/strict';
import { mergeResults, tagHeadline } from '../../../bench/support/results-merge';

describe('bench: merging a partial run into results.md', () => {
  const existing = [
    '# Benchmark results',
    '',
    '- **Date:** then',
    '',
    '## Summary',
    '',
    '- Offline research over 10 files: 5 ms.',
    `- ${tagHeadline('retrieval', 'Retrieval, old numbers.')}`,
    '- Workers on Redis: fast.',
    '',
    '## 5. Offline research',
    '',
    'old offline',
    '',
    '## 7. Workers on Redis',
    '',
    '```',
    '## not a heading',
    '```',
    '',
    '## Index budget (by hand)',
    '',
    'kept',
    '',
  ].join('\n');

  it('replaces the re-run section and its summary lines, keeping every other section and line', () => {
    const out = mergeResults(existing, [{ name: 'offline', title: '5. Offline research', markdown: 'new offline', headline: ['Offline research over 20 files: 6 ms.'] }], 'note');
    assert.match(out, /- \*\*Date:\*\* then/);
    assert.doesNotMatch(out, /old offline|over 10 files/);
    assert.match(out, /## 5\. Offline research\n\n\*note\*\n\nnew offline/);
    assert.match(out, /Offline research over 20 files: 6 ms\. <!-- bench:offline -->/);
    assert.match(out, /Retrieval, old numbers/);
    assert.match(out, /- Workers on Redis: fast\./);
    assert.match(out, /## not a heading/);
    assert.match(out, /## Index budget \(by hand\)\n\nkept\n$/);
  });

  it('inserts a new numbered section after the ones numbered before it', () => {
    const out = mergeResults(existing, [{ name: 'retrieval', title: '8. Retrieval', markdown: 'r', headline: ['Retrieval, new.'] }], 'note');
    assert.ok(out.indexOf('## 7. Workers') < out.indexOf('## 8. Retrieval'));
    assert.ok(out.indexOf('## 8. Retrieval') < out.indexOf('## Index budget'));
    assert.doesNotMatch(out, /old numbers/);
    assert.match(out, /Retrieval, new\. <!-- bench:retrieval -->/);
  });
});
