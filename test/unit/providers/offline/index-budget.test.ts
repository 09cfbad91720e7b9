import assert from 'node:assert/strict';
import { join } from 'node:path';
import { hostileText, writeHostileFolder } from '../../../support/hostile-folder';
import { mulberry32 } from '../../../support/rng';
import { UsageError } from '../../../../src/core/errors';
import {
  cutAtLineEnd,
  DEFAULT_INDEX_BUDGET,
  IndexBudgetKeeper,
  indexBudgetFromEnv,
  type BudgetReport,
  type IndexBudget,
} from '../../../../src/providers/offline/index-budget';
import { PassageIndex } from '../../../../src/providers/offline/passage-index';
import { splitIntoPassages } from '../../../../src/providers/offline/passages';
import { describeBudget, describeMethod } from '../../../../src/providers/offline/synthesize-task';
import { buildCorpus, type CorpusStats } from '../../../../src/providers/offline/workspace-corpus';
import { makeWorkspace, removeWorkspace } from '../../../support/workspace-fixture';

const repo = join(__dirname, '../../../..');
const UNLIMITED: IndexBudget = { maxTotalBytes: 2 ** 40, maxBytesPerFile: 2 ** 40, maxPassages: 2 ** 40, maxTerms: 2 ** 40 };

function budget(limits: Partial<IndexBudget>): IndexBudget {
  return { ...UNLIMITED, ...limits };
}

/** `count` paragraphs "word<i> alpha …", each one passage, each line `width` bytes with its newline. */
function paragraphs(count: number, prefix = 'para'): string {
  return Array.from({ length: count }, (_, i) => `${prefix}${i} alpha beta\n`).join('\n');
}

const split = (path: string) => (text: string) => splitIntoPassages(path, text).passages;

async function corpusOf(root: string, limits: IndexBudget) {
  return buildCorpus({ root, maxFileBytes: 1024 * 1024, maxFiles: 20_000, outputFolder: '.research', budget: limits }, new AbortController().signal, () => undefined);
}

describe('offline index budget', () => {
  describe('cutAtLineEnd', () => {
    it('keeps whole lines within the byte limit', () => {
      assert.equal(cutAtLineEnd('one\ntwo\nthree\n', 9), 'one\ntwo\n');
      assert.equal(cutAtLineEnd('one\ntwo\nthree\n', 8), 'one\ntwo\n');
      assert.equal(cutAtLineEnd('one\ntwo\nthree\n', 7), 'one\n');
      assert.equal(cutAtLineEnd('no line end here', 10), '');
      assert.equal(cutAtLineEnd('abc\n', 0), '');
    });

    it('counts UTF-8 bytes, not characters, and never splits a character', () => {
      // "é" is 2 bytes: "éé\n" is 5 bytes, so 6 bytes hold it, 4 do not.
      assert.equal(cutAtLineEnd('éé\néé\n', 6), 'éé\n');
      assert.equal(cutAtLineEnd('éé\néé\n', 4), '');
      assert.equal(cutAtLineEnd('a\n€€€\n', 6), 'a\n'); // the cut falls inside the second €
      assert.ok(!cutAtLineEnd('a\n€€€\n', 6).includes('\uFFFD'));
    });
  });

  describe('IndexBudgetKeeper', () => {
    it('cuts a file over maxBytesPerFile at a line end, keeps true line numbers, and counts it', () => {
      const keeper = new IndexBudgetKeeper(budget({ maxBytesPerFile: 40 }));
      const text = paragraphs(10); // 18–19 bytes a paragraph with its blank line
      const passages = keeper.admitFile(text, split('a.txt'));
      assert.ok(passages.length > 0 && passages.length < 10);
      for (const passage of passages) assert.equal(text.split('\n')[passage.startLine - 1], passage.text);
      const kept = passages.map((p) => p.text).join('\n');
      assert.ok(Buffer.byteLength(kept) <= 40);
      assert.equal(keeper.full, false, 'the per-file limit does not stop the walk');
      assert.deepEqual(keeper.admitFile('short\n', split('b.txt')).map((p) => p.text), ['short']);
      const report = keeper.snapshot();
      assert.equal(report.filesCutAtFileLimit, 1);
      assert.equal(report.stoppedBy, undefined);
      assert.equal(report.filesNotRead, 0);
    });

    it('stops at maxTotalBytes: the file that fills it is cut, later ones are left out and counted', () => {
      const keeper = new IndexBudgetKeeper(budget({ maxTotalBytes: 100 }));
      assert.equal(keeper.admitFile(paragraphs(3, 'a'), split('a.txt')).length, 3); // 48 bytes
      assert.equal(keeper.full, false);
      const second = keeper.admitFile(paragraphs(6, 'b'), split('b.txt')); // 52 bytes of room
      assert.ok(second.length > 0 && second.length < 6, `${second.length} passages of the second file`);
      assert.equal(keeper.full, true);
      assert.deepEqual(keeper.admitFile('c\n', split('c.txt')), []);
      keeper.countNotRead(4);
      const report = keeper.snapshot();
      assert.equal(report.stoppedBy, 'bytes');
      assert.equal(report.filesCutWhenFull, 1);
      assert.equal(report.filesNotRead, 5);
      assert.equal(report.limits.maxTotalBytes, 100);
    });

    it('stops at maxPassages', () => {
      const keeper = new IndexBudgetKeeper(budget({ maxPassages: 5 }));
      assert.equal(keeper.admitFile(paragraphs(3), split('a.txt')).length, 3);
      assert.equal(keeper.admitFile(paragraphs(3), split('b.txt')).length, 2);
      assert.equal(keeper.full, true);
      const report = keeper.snapshot();
      assert.equal(report.stoppedBy, 'passages');
      assert.equal(report.filesCutWhenFull, 1);
    });

    it('a file that fills the budget exactly is not cut, and the next one is left out', () => {
      const keeper = new IndexBudgetKeeper(budget({ maxPassages: 3 }));
      assert.equal(keeper.admitFile(paragraphs(3), split('a.txt')).length, 3);
      assert.equal(keeper.full, true);
      assert.deepEqual(keeper.admitFile(paragraphs(1), split('b.txt')), []);
      const report = keeper.snapshot();
      assert.equal(report.filesCutWhenFull, 0);
      assert.equal(report.filesNotRead, 1);
    });

    it('admits at most maxTerms distinct terms, known ones always, and counts the words refused', () => {
      const keeper = new IndexBudgetKeeper(budget({ maxTerms: 2 }));
      assert.equal(keeper.admitTerm('alpha'), true);
      assert.equal(keeper.admitTerm('beta'), true);
      assert.equal(keeper.admitTerm('gamma'), false);
      assert.equal(keeper.admitTerm('alpha'), true);
      assert.equal(keeper.admitTerm('gamma'), false);
      assert.equal(keeper.termCount, 2);
      assert.equal(keeper.snapshot().wordsNotIndexed, 2);
    });
  });

  it('PassageIndex: a refused term is not indexed; the passage stays findable by its admitted terms', () => {
    const keeper = new IndexBudgetKeeper(budget({ maxTerms: 3 }));
    const index = new PassageIndex({ admitTerm: (term) => keeper.admitTerm(term) });
    // Terms of the path count too: "a", "txt" (one letter is dropped by the tokenizer, "txt" is not).
    index.add([{ path: 'a.txt', startLine: 1, endLine: 1, text: 'kettle boils' }]);
    index.add([{ path: 'b.txt', startLine: 1, endLine: 1, text: 'kettle descales quietly' }]);
    assert.equal(keeper.termCount, 3);
    assert.deepEqual(index.find('kettle', { limit: 5 }).map((hit) => hit.passage.path).sort(), ['a.txt', 'b.txt']);
    assert.deepEqual(index.find('descales', { limit: 5 }), []);
    assert.ok(keeper.snapshot().wordsNotIndexed >= 2);
    // Queries are normalised as before: the plural still finds the singular.
    assert.equal(index.find('kettles', { limit: 5 }).length, 2);
  });

  describe('buildCorpus', () => {
    it('on a hostile folder: holds to every limit and records what it left out', async () => {
      const root = await makeWorkspace({});
      try {
        writeHostileFolder(root, { files: 12, bytesPerFile: 20_000, seed: 5 });
        const limits: IndexBudget = { maxTotalBytes: 64 * 1024, maxBytesPerFile: 8 * 1024, maxPassages: 1_000, maxTerms: 2_000 };
        const { stats } = await corpusOf(root, limits);
        const report = stats.budget!;
        assert.equal(report.stoppedBy, 'bytes');
        // Eight files cut to just under 8 KiB each leave less than 8 KiB for the ninth, which is cut too.
        assert.equal(report.filesCutAtFileLimit, 8);
        assert.equal(report.filesCutWhenFull, 1);
        assert.equal(report.filesNotRead, 3);
        assert.equal(stats.textFiles, 9);
        assert.ok(report.wordsNotIndexed > 0);
        assert.ok(stats.passages <= limits.maxPassages);
        // The budget's sentence, in the report's note on its method.
        assert.match(
          describeMethod(stats, 3, 0),
          /To keep memory bounded, the index stopped at 64 KiB of text \(3 files were not read and 1 file was indexed only in part\), 8 files were indexed only up to their first 8 KiB and [\d,]+ words were not indexed, being new once the index held 2,000 distinct terms\./,
        );
      } finally {
        await removeWorkspace(root);
      }
    });

    it('words indexed before a limit stay findable; those of files or terms past it are not', async () => {
      const random = mulberry32(3);
      const root = await makeWorkspace({
        'a.txt': `zephyrine kettle\n\n${hostileText(random, 4000)}`,
        'b.txt': `quokkafied teapot\n\n${hostileText(random, 4000)}`,
        'c.txt': 'marsupial cobbler\n',
      });
      try {
        const { index, stats } = await corpusOf(root, budget({ maxTotalBytes: 5000, maxTerms: 100 }));
        assert.equal(stats.budget!.filesCutWhenFull, 1, 'b.txt is cut');
        assert.equal(stats.budget!.filesNotRead, 1, 'c.txt is not read');
        assert.equal(stats.textFiles, 2);
        assert.deepEqual(index.find('zephyrine', { limit: 5 }).map((hit) => hit.passage.path), ['a.txt']);
        assert.deepEqual(index.find('quokkafied', { limit: 5 }), [], 'b.txt is indexed, but its new words came after the term limit');
        assert.deepEqual(index.find('marsupial', { limit: 5 }), []);
      } finally {
        await removeWorkspace(root);
      }
    });

    it('the defaults leave this repository’s sources and mocha’s lib whole', async function () {
      this.timeout(120_000);
      for (const folder of [join(repo, 'src'), join(repo, 'node_modules/mocha/lib')]) {
        const bounded = await corpusOf(folder, DEFAULT_INDEX_BUDGET);
        const unbounded = await corpusOf(folder, UNLIMITED);
        assert.equal(bounded.stats.passages, unbounded.stats.passages, folder);
        assert.equal(bounded.stats.textFiles, unbounded.stats.textFiles, folder);
        assert.equal(describeBudget(bounded.stats.budget!), undefined, folder);
        const query = 'timeout retry';
        assert.deepEqual(
          bounded.index.find(query, { limit: 8 }).map((hit) => [hit.passage.path, hit.passage.startLine]),
          unbounded.index.find(query, { limit: 8 }).map((hit) => [hit.passage.path, hit.passage.startLine]),
          folder,
        );
      }
    });
  });

  describe('the report’s sentence', () => {
    const limits: IndexBudget = { maxTotalBytes: 24 * 1024 * 1024, maxBytesPerFile: 512 * 1024, maxPassages: 200_000, maxTerms: 300_000 };
    const none: BudgetReport = { limits, filesNotRead: 0, filesCutWhenFull: 0, filesCutAtFileLimit: 0, wordsNotIndexed: 0 };

    it('says nothing when nothing was left out', () => {
      assert.equal(describeBudget(none), undefined);
    });

    it('names each limit that left something out', () => {
      assert.equal(
        describeBudget({ ...none, stoppedBy: 'bytes', filesNotRead: 79, filesCutWhenFull: 1 }),
        'To keep memory bounded, the index stopped at 24 MiB of text (79 files were not read and 1 file was indexed only in part).',
      );
      assert.equal(
        describeBudget({ ...none, stoppedBy: 'passages', filesNotRead: 1, filesCutAtFileLimit: 1, wordsNotIndexed: 1_234_567 }),
        'To keep memory bounded, the index stopped at 200,000 passages (1 file was not read), 1 file was indexed only up to its first 512 KiB and 1,234,567 words were not indexed, being new once the index held 300,000 distinct terms.',
      );
    });

    it('results recorded before the budget existed still describe the method', () => {
      const stats: CorpusStats = {
        folder: 'notes', textFiles: 2, passages: 3, overlongLines: 0, truncated: false, maxFileBytes: 1024 * 1024, maxFiles: 20_000,
        skipped: { ignored: 0, binary: 0, tooLarge: 0, generated: 0, linkOutside: 0, linkInside: 0, unreadable: 0 },
      };
      assert.doesNotMatch(describeMethod(stats, 3, 0), /memory/);
    });
  });

  describe('RESEARCH_INDEX_BUDGET (test hook of the command line)', () => {
    it('overrides the limits it names and keeps the defaults of the others', () => {
      assert.equal(indexBudgetFromEnv({}), undefined);
      assert.deepEqual(indexBudgetFromEnv({ RESEARCH_INDEX_BUDGET: '{"maxTotalBytes": 65536}' }), { ...DEFAULT_INDEX_BUDGET, maxTotalBytes: 65536 });
    });

    it('refuses what is not a positive integer limit', () => {
      for (const raw of ['nope', '[1]', '{"maxBytes": 1}', '{"maxTerms": 0}', '{"maxTerms": 1.5}', '{"maxTerms": "9"}']) {
        assert.throws(() => indexBudgetFromEnv({ RESEARCH_INDEX_BUDGET: raw }), UsageError, raw);
      }
    });
  });
});
