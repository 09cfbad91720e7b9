/**
 * Benchmark 8: retrieval quality of the offline provider over real text. Hand-checked questions, worded
 * as a user would ask them, over four corpora of documentation and source shipped in installed npm
 * packages; each question names the file(s) that answer it. The product is scored from the citations
 * of the report research() writes, beside plain BM25 over fixed 20-line blocks.
 */
import { writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import { fixed, ms, table } from '../support/measure';
import { CORPORA } from '../support/retrieval-corpora';
import { aggregate, type Aggregate } from '../support/retrieval-metrics';
import { loadQuestions, QUESTIONS_DIR } from '../support/retrieval-questions';
import { runCorpus, type Answer, type CorpusRun, type QuestionRecord } from '../support/retrieval-run';
import type { BenchContext, BenchSection } from './types';

/** The quick run asks this many questions of each corpus (the first ones of its file). */
const QUICK_QUESTIONS = 4;
/** Per-question records, for engineers to see which questions fail; gitignored. */
const LAST_RUN_FILE = path.join(QUESTIONS_DIR, 'last-run.md');

/** What the offline provider should reach (rates in 0..1). */
const GOALS = { cited: 0.9, hit1: 2 / 3, share: 0.4 };

export async function benchRetrieval(ctx: BenchContext): Promise<BenchSection> {
  const runs: CorpusRun[] = [];
  for (const spec of CORPORA) {
    const all = loadQuestions(spec.name);
    const questions = ctx.quick ? all.slice(0, QUICK_QUESTIONS) : all;
    ctx.log(`  ${spec.name}: ${questions.length} questions (rank of the answer file: report / baseline)`);
    const t0 = performance.now();
    runs.push(await runCorpus(spec, questions, ctx.log));
    ctx.log(`  ${spec.name}: ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  }
  await writeFile(LAST_RUN_FILE, lastRunMarkdown(runs, ctx.quick), 'utf8');
  ctx.log(`  per-question records: ${path.relative(process.cwd(), LAST_RUN_FILE)}`);

  const everything = runs.flatMap((r) => r.records);
  const product = aggregate(everything.map((r) => r.product.score));
  const baseline = aggregate(everything.map((r) => r.baseline.score));
  const pct = (v: number) => `${Math.round(v * 100)} %`;
  const met = (value: number, goal: number) => (value >= goal ? 'met' : 'not met');

  const markdown = [
    `${everything.length} questions over ${runs.length} corpora of real documentation and source, taken from installed npm packages and copied to a temporary folder: ${runs.map((r) => `*${r.corpus}* (${r.files} files)`).join(', ')}. The questions (\`bench/retrieval/<corpus>.json\`) are worded as a user would ask, not in the documents' words, and each names the file(s) that answer it, checked by hand. The **report** is the product: a whole \`research()\` run with the offline provider (one provider per corpus, so the index is built once), scored from the citations of its report, in report order, read from the run's structured draft. The **baseline** is plain BM25: MiniSearch with its default tokenizer (no stemming), one field, over the same files cut into fixed 20-line blocks, queried with the question as typed; its "report" is its top 8 blocks.${ctx.quick ? ` Quick run: the first ${QUICK_QUESTIONS} questions of each corpus.` : ''}`,
    '',
    '- **hit@1**: the first citation is on an answer file. **hit@5**: an answer file is among the first 5 distinct cited files. **MRR**: mean of 1 / rank of the first answer file among the distinct cited files in order of first appearance (0 when none).',
    '- **cited**: an answer file is cited anywhere in the report. **share**: the fraction of the report\'s distinct citations (path + line range) that are on an answer file, averaged over questions — how much of what the reader is shown is on target.',
    '- **lines / chars**: the length of the report\'s Markdown (for the baseline, of its 8 blocks\' text), mean per question. **invalid**: citations whose lines do not exist in the cited file, summed. **time**: per question, mean (the first question of a corpus also builds the index).',
    '',
    `**Goal** for the report: the answer file cited in ≥ ${pct(GOALS.cited)} of reports, cited first in ≥ 2/3, and ≥ ${pct(GOALS.share)} of distinct citations on the answer file.`,
    '',
    table(
      ['corpus', 'system', 'questions', 'hit@1', 'hit@5', 'MRR', 'cited', 'share', 'lines', 'chars', 'invalid', 'time'],
      [...runs.flatMap((r) => rows(r.corpus, r.records)), ...rows('**all**', everything)],
    ),
    '',
    `Against the goal, over all questions: cited ${pct(product.cited)} (${met(product.cited, GOALS.cited)}), first ${pct(product.hit1)} (${met(product.hit1, GOALS.hit1)}), share ${pct(product.share)} (${met(product.share, GOALS.share)}). The baseline: cited ${pct(baseline.cited)}, first ${pct(baseline.hit1)}, share ${pct(baseline.share)}.`,
    '',
    'Each question\'s answer rank and first cited file, for the report and the baseline, are in `bench/retrieval/last-run.md` (not committed), written by every run.',
  ].join('\n');

  return {
    title: '8. Retrieval over real documentation and source',
    markdown,
    charts: [],
    headline: [
      `Retrieval, ${everything.length} hand-checked questions over 4 real corpora: the report cites the answer file in ${pct(product.cited)} of runs (goal ≥ 90 %; plain BM25 ${pct(baseline.cited)}), first in ${pct(product.hit1)} (goal ≥ 67 %; ${pct(baseline.hit1)}), MRR ${fixed(product.mrr)} (${fixed(baseline.mrr)}); ${pct(product.share)} of its citations are on the answer file (goal ≥ 40 %; ${pct(baseline.share)}).`,
    ],
  };
}

function rows(label: string, records: readonly QuestionRecord[]): string[][] {
  return (['product', 'baseline'] as const).map((system) => {
    const answers = records.map((r) => r[system]);
    return row(label, system === 'product' ? 'report' : 'baseline (BM25, 20-line blocks)', aggregate(answers.map((a) => a.score)), answers);
  });
}

function row(label: string, system: string, agg: Aggregate, answers: readonly Answer[]): string[] {
  const mean = (pick: (a: Answer) => number) => (answers.length === 0 ? NaN : answers.reduce((s, a) => s + pick(a), 0) / answers.length);
  const pct = (v: number) => `${(v * 100).toFixed(0)} %`;
  return [
    label,
    system,
    String(agg.questions),
    pct(agg.hit1),
    pct(agg.hit5),
    fixed(agg.mrr),
    pct(agg.cited),
    pct(agg.share),
    mean((a) => a.lines).toFixed(0),
    mean((a) => a.chars).toFixed(0),
    String(answers.reduce((s, a) => s + a.invalid, 0)),
    ms(mean((a) => a.ms)),
  ];
}

/** One table row per question: enough to see which fail, and how, without opening the reports. */
function lastRunMarkdown(runs: readonly CorpusRun[], quick: boolean): string {
  const cell = (s: string | undefined) => (s ?? '—').replace(/\|/g, '\\|');
  const rank = (a: Answer) => (a.score.rank === undefined ? '✘' : String(a.score.rank));
  const lines = [
    `# Retrieval benchmark: last run${quick ? ' (quick)' : ''}`,
    '',
    `${new Date().toISOString()}. Rank: of the first answer file among the distinct cited files (✘: not cited). Share: of the distinct citations on an answer file.`,
    '',
    '| corpus | question | answer | report rank | report first cited | report share | baseline rank | baseline first | outcome |',
    '| --- | --- | --- | --- | --- | --- | --- | --- | --- |',
  ];
  for (const run of runs) {
    for (const r of run.records) {
      lines.push(
        `| ${run.corpus} | ${cell(r.question.question)} | ${cell(r.question.answers.join(', '))} | ${rank(r.product)} | ${cell(r.product.firstFile)} | ${(r.product.score.share * 100).toFixed(0)} % | ${rank(r.baseline)} | ${cell(r.baseline.firstFile)} | ${r.outcome}${r.citationsFrom === 'markdown' ? ' (no draft: read from the Markdown)' : ''} |`,
      );
    }
  }
  return `${lines.join('\n')}\n`;
}
