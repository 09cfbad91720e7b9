import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileBoilerplate, passageBoilerplate } from '../../../../src/providers/offline/boilerplate';
import { declarationAt } from '../../../../src/providers/offline/code-declarations';
import { headingText, splitIntoPassages } from '../../../../src/providers/offline/passages';
import { splitLines } from '../../../../src/providers/offline/text-file';

const summary = (path: string, text: string) =>
  splitIntoPassages(path, text).passages.map((p) => [p.startLine, p.endLine, p.symbol ?? p.headings?.join(' › ') ?? '']);

function assertVerbatim(path: string, text: string): void {
  const lines = splitLines(text);
  for (const p of splitIntoPassages(path, text).passages) assert.equal(p.text, lines.slice(p.startLine - 1, p.endLine).join('\n'), `${path}#L${p.startLine}`);
}

describe('offline passages: structure', () => {
  it('gives every Markdown passage its heading trail, continuation passages too, as plain words', () => {
    const long = Array.from({ length: 25 }, (_, i) => `line ${i + 1} of the section`).join('\n');
    const text = `# Guide\n\nIntro.\n\n## The \`retry\` [option](#retry)\n\nText.\n\n\`\`\`sh\n# not a heading\n\`\`\`\n\n### Deeper\n\n${long}\n\n## Next\n\nMore.`;
    const passages = splitIntoPassages('docs/guide.md', text).passages;
    assert.deepEqual(passages[0].headings, ['Guide']);
    assert.deepEqual(passages.find((p) => p.text.startsWith('## The'))?.headings, ['Guide', 'The retry option']);
    assert.deepEqual(passages.find((p) => p.text.includes('# not a heading'))?.headings, ['Guide', 'The retry option'], 'a # in a fence is not a heading');
    const deeper = passages.filter((p) => p.headings?.at(-1) === 'Deeper');
    assert.ok(deeper.length >= 2, 'the long section is cut, and every part keeps the trail');
    assert.deepEqual(passages.at(-1)?.headings, ['Guide', 'Next'], 'a heading ends the deeper levels above it');
    assertVerbatim('docs/guide.md', text);
  });

  it('cuts code at declarations, keeps doc comments with them, and names each passage by its declaration', () => {
    const ts = [
      "import { a } from './a';",
      '',
      '/** Waits longer after each failure. */',
      'export function backoff(attempt: number): number {',
      '  const base = 100;',
      '',
      '  return base * 2 ** attempt;',
      '}',
      '',
      'export class Dispatcher {',
      '  private readonly queue: string[] = [];',
      '',
      '  /** Cancels everything. */',
      '  async cancel(reason: string): Promise<void> {',
      '    this.queue.length = 0;',
      '  }',
      '}',
    ].join('\n');
    assert.deepEqual(summary('src/dispatcher.ts', ts), [
      [1, 1, ''],
      [3, 8, 'function backoff'],
      [10, 11, 'class Dispatcher'],
      [13, 17, 'method Dispatcher.cancel'],
    ]);
    assertVerbatim('src/dispatcher.ts', ts);
    const py = 'class Pool:\n    """A pool."""\n\n    def acquire(self):\n        return 1\n\n\ndef helper():\n    pass\n';
    assert.deepEqual(summary('pool.py', py).map((p) => p[2]), ['class Pool', 'method Pool.acquire', 'function helper']);
    assert.deepEqual(summary('main.go', 'package main\n\nfunc (s *Server) Start() error {\n\treturn nil\n}\n\nfunc main() {\n}\n').map((p) => p[2]), ['', 'method Server.Start', 'function main']);
  });

  it('does not take calls with callbacks or control flow for declarations', () => {
    assert.equal(declarationAt("  it('works', () => {", 'typescript'), undefined);
    assert.equal(declarationAt('  if (ready) {', 'typescript'), undefined);
    assert.equal(declarationAt('    foo(bar);', 'javascript'), undefined);
    assert.deepEqual(declarationAt('  async replan(next: Plan | (() => Promise<Plan>)): Promise<{ added: string[] }> {', 'typescript'), { kind: 'method', name: 'replan', indent: 2 });
    assert.deepEqual(declarationAt('export const run = async (task: Task) => {', 'typescript'), { kind: 'function', name: 'run', indent: 0 });
    assert.deepEqual(declarationAt('pub fn spawn<T>(task: T) -> Handle {', 'rust'), { kind: 'function', name: 'spawn', indent: 0 });
  });

  it('names CommonJS code: prototype methods, dotted and chained assignments, object-literal members', () => {
    assert.deepEqual(declarationAt('Runner.prototype.run = function (fn) {', 'javascript'), { kind: 'method', name: 'Runner.run', indent: 0 });
    assert.deepEqual(declarationAt('exports.lint = async (options) => {', 'javascript'), { kind: 'function', name: 'exports.lint', indent: 0 });
    assert.deepEqual(declarationAt('    context.describe = context.context = function (title, fn) {', 'javascript'), { kind: 'function', name: 'context.describe', indent: 4 });
    assert.deepEqual(declarationAt('    beforeEach: function (name, fn) {', 'javascript'), { kind: 'method', name: 'beforeEach', indent: 4 });
    assert.equal(declarationAt('exports.version = "1.0.0";', 'javascript'), undefined, 'a value is not a declaration');
    assert.equal(declarationAt('    label: name,', 'javascript'), undefined);
    const js = [
      "'use strict';",
      '',
      'module.exports = function (suite) {',
      "  suite.on('pre-require', function (context) {",
      '    /** Pending test case. */',
      '    context.it.skip = function (title) {',
      '      return context.it(title);',
      '    };',
      '  });',
      '};',
    ].join('\n');
    assert.deepEqual(summary('lib/bdd.js', js).map((p) => p[2]), ['', 'function module.exports', 'function context.it.skip']);
    assertVerbatim('lib/bdd.js', js);
  });

  it('reads a heading as plain words', () => {
    assert.equal(headingText('### `pino.destination([opts])` => SonicBoom ###'), 'pino.destination([opts]) => SonicBoom');
    assert.equal(headingText('## [Install](#install) *now*'), 'Install now');
  });
});

describe('offline passages: boilerplate by shape', () => {
  // Real pages shipped in packages this project installs for its retrieval benchmark.
  const real = (path: string) => readFileSync(join(__dirname, '../../../../node_modules', path), 'utf8');

  it('recognises changelogs, licences and generated files by their text, not their names', () => {
    assert.equal(fileBoilerplate(real('markdownlint/CHANGELOG.md')), 'changelog');
    assert.equal(fileBoilerplate('# Releases\n\n## 2.1.0\n\nFixes.\n\n## 2.0.0\n\nBreaking.\n\n## [1.9.3] - 2024-01-01\n\nMore.\n'), 'changelog');
    assert.equal(fileBoilerplate(real('pino/LICENSE')), 'licence');
    assert.equal(fileBoilerplate('// Code generated by protoc-gen-go. DO NOT EDIT.\npackage x\n'), 'generated');
    assert.equal(fileBoilerplate(real('pino/docs/redaction.md')), undefined, 'an explanation page is not boilerplate');
    assert.equal(fileBoilerplate(real('pino/docs/api.md')), undefined);
  });

  it('recognises link lists and tables of contents passage by passage, and leaves prose with a few links alone', () => {
    assert.equal(passageBoilerplate('* [Install](#install)\n* [Usage](#usage)\n* [API](#api)\n* [Licence](#licence)'), 'toc');
    assert.equal(passageBoilerplate('- [pino-pretty](https://github.com/x/pino-pretty): pretty\n- [pino-http](https://github.com/x/pino-http)\n- [pino-elasticsearch](https://github.com/x/pe)'), 'links');
    assert.equal(passageBoilerplate('Redaction hides fields, see [the API](#redact) and [paths](#paths).\nIt works on nested keys and wildcards.'), undefined);
    const ecosystem = splitIntoPassages('docs/ecosystem.md', real('pino/docs/ecosystem.md')).passages;
    assert.ok(ecosystem.filter((p) => p.boilerplate === 'links').length >= 3, 'the catalogue of modules is a link list');
    const redaction = splitIntoPassages('docs/redaction.md', real('pino/docs/redaction.md')).passages;
    // Its one passage that says nothing is an anchor for links, which is markup.
    assert.ok(redaction.every((p) => p.boilerplate === undefined || (p.boilerplate === 'markup' && p.text.startsWith('<a name='))), 'no passage of an explanation page is boilerplate');
  });

  it('recognises HTML that lays out a page (a logo, badges), not prose that uses a tag or two', () => {
    assert.equal(passageBoilerplate('<p align="center">\n  <img src="assets/logo.svg" alt="Mocha test framework logo"/>\n</p>'), 'markup');
    assert.equal(passageBoilerplate('<div align="center">'), 'markup');
    assert.equal(passageBoilerplate('Use <code>--watch</code> to re-run the tests whenever a file changes,<br>\nor pass a glob to watch other files.'), undefined);
  });
});
