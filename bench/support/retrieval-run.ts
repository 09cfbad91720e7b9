/**
 * One corpus of the retrieval benchmark: copy it to a temporary folder, ask each question through the
 * product's public path (research() with the offline provider, one provider for the corpus so the
 * index is built once) and through the plain-BM25 baseline, and score both from their citations.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { research } from '../../src/core/research';
import { createOfflineProvider } from '../../src/providers/offline';
import { reportCitations } from './report-citations';
import { BaselineIndex } from './retrieval-baseline';
import { copyCorpus, type CorpusSpec } from './retrieval-corpora';
import { countLines, distinctFiles, invalidCitations, scoreQuestion, type Citation, type QuestionScore } from './retrieval-metrics';
import type { RetrievalQuestion } from './retrieval-questions';

/** What one system (the product or the baseline) made of one question. */
export interface Answer {
  score: QuestionScore;
  firstFile: string | undefined;
  citations: number;
  invalid: number;
  lines: number;
  chars: number;
  ms: number;
}

export interface QuestionRecord {
  question: RetrievalQuestion;
  product: Answer;
  baseline: Answer;
  /** The run's outcome ('completed', 'partial', ...) and where its citations were read from. */
  outcome: string;
  citationsFrom: 'draft' | 'markdown';
}

export interface CorpusRun {
  corpus: string;
  files: number;
  records: QuestionRecord[];
}

export async function runCorpus(spec: CorpusSpec, questions: readonly RetrievalQuestion[], log: (message: string) => void): Promise<CorpusRun> {
  const root = await mkdtemp(path.join(os.tmpdir(), `research-retrieval-${spec.name}-`));
  const provider = createOfflineProvider({ root });
  try {
    const files = await copyCorpus(spec, root);
    // Read once, before any run writes its output folder: the baseline's text and the line counts
    // citations are checked against.
    const texts = new Map<string, string>();
    for (const file of files) texts.set(file, await readFile(path.join(root, ...file.split('/')), 'utf8'));
    const lineCount = (file: string) => {
      const text = texts.get(file);
      return text === undefined ? undefined : countLines(text);
    };
    const baseline = new BaselineIndex(texts);
    const answer = (citations: Citation[], text: string, answers: readonly string[], ms: number): Answer => ({
      score: scoreQuestion(citations, answers),
      firstFile: distinctFiles(citations)[0],
      citations: citations.length,
      invalid: invalidCitations(citations, lineCount).length,
      lines: countLines(text),
      chars: text.length,
      ms,
    });

    const records: QuestionRecord[] = [];
    // Sequential on purpose: questions share the provider's index, and parallel runs would bill each
    // other's CPU on a small machine.
    for (const question of questions) {
      let t0 = performance.now();
      const result = await research({ question: question.question, root, provider });
      const markdown = await readFile(result.reportPath, 'utf8');
      const { citations, from } = reportCitations(result, markdown);
      const product = answer(citations, markdown, question.answers, performance.now() - t0);

      t0 = performance.now();
      const top = baseline.answer(question.question);
      const base = answer(top.citations, top.text, question.answers, performance.now() - t0);
      records.push({ question, product, baseline: base, outcome: result.outcome, citationsFrom: from });
      log(`    ${product.score.rank ?? '–'} / ${base.score.rank ?? '–'}  ${question.question}`);
    }
    return { corpus: spec.name, files: files.length, records };
  } finally {
    provider.dispose?.();
    await rm(root, { recursive: true, force: true });
  }
}
