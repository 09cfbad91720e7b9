/**
 * Benchmark 5: offline research over a generated workspace. Indexing (the walk, passage split and BM25
 * index the offline provider builds on its first search) and answering (a whole research() run:
 * plan, searches, analysis, synthesis, report written), beside a naive answer that reads every file
 * and counts the query's words per line, with no index.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { research } from '../../src/core/research';
import { createOfflineProvider, DEFAULT_MAX_FILE_BYTES, DEFAULT_MAX_FILES } from '../../src/providers/offline';
import { buildCorpus } from '../../src/providers/offline/workspace-corpus';
import { bytes, collectGarbage, ms, spread, summarize, table, withPeakRss } from '../support/measure';
import { writeWorkspace } from '../support/workspace';
import { ensureWorkerBuilt } from '../support/built-worker';
import { builtCli } from '../../test/support/run-cli';
import { barChart } from '../svg';
import type { BenchContext, BenchSection } from './types';

const QUESTION = 'How does the scheduler handle retries, timeouts and cancellation of requests?';

interface Row {
  files: number;
  sizeBytes: number;
  passages: number;
  index: number[];
  cold: number[];
  warm: number[];
  naive: number[];
  peakRssBytes: number;
  rssBeforeBytes: number;
  outcome: string;
  /** Whole CLI processes (`node dist/cli.js`): the first question with no index cache, then the second. */
  cliFirst: number[];
  cliSecond: number[];
}

/** Wall time of one CLI process answering QUESTION over `root`, with its index cache in `cacheDir`. */
function timeCliProcess(root: string, cacheDir: string): Promise<number> {
  const t0 = performance.now();
  return new Promise((resolve, reject) => {
    execFile(process.execPath, [builtCli, QUESTION, '--dir', root], { env: { ...process.env, INIT_CWD: '', RESEARCH_CACHE_DIR: cacheDir }, maxBuffer: 64 * 1024 * 1024 }, (error) =>
      error ? reject(error) : resolve(performance.now() - t0),
    );
  });
}

/** The baseline: read every file, score each line by how many of the question's words it holds. */
async function naiveAnswer(root: string, words: readonly string[]): Promise<number> {
  const best: number[] = [];
  const stack = [root];
  while (stack.length > 0) {
    const dir = stack.pop()!;
    for (const entry of await readdir(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) stack.push(full);
      else if (entry.isFile()) {
        for (const line of (await readFile(full, 'utf8')).split('\n')) {
          const lower = line.toLowerCase();
          let score = 0;
          for (const word of words) if (lower.includes(word)) score++;
          if (score > 0) best.push(score);
        }
      }
    }
  }
  return best.sort((a, b) => b - a).slice(0, 10).length;
}

export async function benchOffline(ctx: BenchContext): Promise<BenchSection> {
  const sizes = ctx.quick ? [1_000] : [1_000, 10_000];
  const repetitions = ctx.quick ? 2 : 3;
  const words = ['scheduler', 'retries', 'timeout', 'cancel', 'request'];
  const rows: Row[] = [];
  await ensureWorkerBuilt(); // builds dist/cli.js too, when any source is newer
  for (const files of sizes) {
    const root = await mkdtemp(path.join(os.tmpdir(), 'research-bench-'));
    try {
      const sizeBytes = await writeWorkspace(root, files, 31 + files);
      const row: Row = { files, sizeBytes, passages: 0, index: [], cold: [], warm: [], naive: [], peakRssBytes: 0, rssBeforeBytes: 0, outcome: '', cliFirst: [], cliSecond: [] };
      const corpusOptions = { root, maxFileBytes: DEFAULT_MAX_FILE_BYTES, maxFiles: DEFAULT_MAX_FILES, outputFolder: '.research' };
      for (let rep = 0; rep < repetitions; rep++) {
        // The index alone and the cold answer (which builds the same index) swap order every
        // repetition, so neither always runs on a heap the other has already grown.
        const timeIndex = async () => {
          collectGarbage();
          const t0 = performance.now();
          const corpus = await buildCorpus(corpusOptions, new AbortController().signal, () => undefined);
          row.index.push(performance.now() - t0);
          row.passages = corpus.stats.passages;
        };
        const timeAnswers = async () => {
          collectGarbage();
          const provider = createOfflineProvider({ root });
          const outFile = path.join(root, '.research', `bench-${rep}`, 'report.md');
          let t0 = performance.now();
          const measured = await withPeakRss(() => research({ question: QUESTION, root, provider, outFile }));
          row.cold.push(performance.now() - t0);
          row.outcome = measured.value.outcome;
          if (rep === 0) {
            row.peakRssBytes = measured.peakRssBytes;
            row.rssBeforeBytes = measured.startRssBytes;
          }
          t0 = performance.now();
          await research({ question: QUESTION, root, provider, outFile: `${outFile}.warm.md` });
          row.warm.push(performance.now() - t0);
          provider.dispose?.();
        };
        if (rep % 2 === 0) {
          await timeIndex();
          await timeAnswers();
        } else {
          await timeAnswers();
          await timeIndex();
        }

        collectGarbage();
        const t0 = performance.now();
        await naiveAnswer(root, words);
        row.naive.push(performance.now() - t0);

        // A person asking twice from a terminal: each question is a new process; the second one
        // finds the index cache the first wrote (nothing changed in between).
        const cacheDir = await mkdtemp(path.join(os.tmpdir(), 'research-bench-cache-'));
        try {
          row.cliFirst.push(await timeCliProcess(root, cacheDir));
          row.cliSecond.push(await timeCliProcess(root, cacheDir));
        } finally {
          await rm(cacheDir, { recursive: true, force: true });
        }
      }
      rows.push(row);
      ctx.log(`  ${files} files: index ${ms(summarize(row.index).median)}, answer cold ${ms(summarize(row.cold).median)}, warm ${ms(summarize(row.warm).median)}, naive scan ${ms(summarize(row.naive).median)}`);
      ctx.log(`  ${files} files, CLI processes: first question ${ms(summarize(row.cliFirst).median)}, second (warm index cache) ${ms(summarize(row.cliSecond).median)}`);
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  }

  const fmt = (v: number) => ms(v);
  const chart = barChart({
    title: 'Offline research over a generated workspace',
    yLabel: 'time (median)',
    groups: rows.map((r) => `${r.files.toLocaleString('en-US')} files`),
    series: [
      { name: 'index (walk + BM25)', values: rows.map((r) => summarize(r.index).median) },
      { name: 'answer, cold', values: rows.map((r) => summarize(r.cold).median) },
      { name: 'answer, warm index', values: rows.map((r) => summarize(r.warm).median) },
      { name: 'naive scan (no index)', values: rows.map((r) => summarize(r.naive).median) },
    ],
    formatY: (v) => (v >= 1000 ? `${v / 1000} s` : `${v} ms`),
  });
  const markdown = [
    `A generated workspace (seeded: a third TypeScript-like sources, two thirds Markdown notes, built from a vocabulary of scheduler, research and everyday words) in a temporary folder. The question: "${QUESTION}". *Index* is the offline provider's corpus build alone (walk, .gitignore, passage split, MiniSearch BM25). *Answer, cold* is a whole \`research()\` run with a new provider — plan, the index built on the first search, searches, analysis, synthesis and the report written; *answer, warm* is a second run with the same provider, whose index is kept. The baseline reads every file and counts the question's words per line, with no index — what each question would cost without one. Peak RSS is the process's resident memory sampled every 10 ms during the first cold answer (the process also holds what earlier benchmarks left; the value before it is in brackets). Median of ${repetitions} runs, range in brackets.`,
    '',
    table(
      ['files', 'size', 'passages', 'index', 'answer, cold', 'answer, warm', 'naive scan (baseline)', 'peak RSS (before)', 'outcome'],
      rows.map((r) => [
        r.files.toLocaleString('en-US'),
        bytes(r.sizeBytes),
        r.passages.toLocaleString('en-US'),
        spread(summarize(r.index), fmt),
        spread(summarize(r.cold), fmt),
        spread(summarize(r.warm), fmt),
        spread(summarize(r.naive), fmt),
        `${bytes(r.peakRssBytes)} (${bytes(r.rssBeforeBytes)})`,
        r.outcome,
      ]),
    ),
    '',
    '![offline research times](charts/offline.svg)',
    '',
    "**Cold CLI processes and the index cache.** Each question asked from a terminal is a new process (`node dist/cli.js \"<question>\" --dir <folder>`, wall time including Node's start and the report written). The first builds the index and saves it in the index cache (a temporary RESEARCH_CACHE_DIR here); the second question, in a new process with nothing changed in the folder, loads the cache and only stats the files (size and mtime) instead of reading them.",
    '',
    table(
      ['files', 'first question, cold process, no cache', 'second question, cold process, warm index cache'],
      rows.map((r) => [r.files.toLocaleString('en-US'), spread(summarize(r.cliFirst), fmt), spread(summarize(r.cliSecond), fmt)]),
    ),
  ].join('\n');
  const last = rows[rows.length - 1]!;
  return {
    title: '5. Offline research over a generated workspace',
    markdown,
    charts: [{ file: 'offline.svg', svg: chart, alt: 'offline research times' }],
    headline: [
      `Offline research over ${last.files.toLocaleString('en-US')} generated files (${bytes(last.sizeBytes)}): index ${ms(summarize(last.index).median)}, a whole answer ${ms(summarize(last.cold).median)} cold and ${ms(summarize(last.warm).median)} with the index kept; a naive scan of every file takes ${ms(summarize(last.naive).median)} per question.`,
      `Offline CLI over ${last.files.toLocaleString('en-US')} files, each question a new process: the first ${ms(summarize(last.cliFirst).median)}, the second ${ms(summarize(last.cliSecond).median)} from the index cache.`,
    ],
  };
}
