/**
 * The retrieval benchmark's scores, as pure functions of a report's citations (in the order the report
 * gives them) and the files that answer the question. Kept apart from the runs so they can be tested
 * on hand-made citation lists, and so a change to the product cannot change how it is scored.
 */

/** A cited span of one file, as the report gives it: path relative to the corpus root, 1-based inclusive lines. */
export interface Citation {
  path: string;
  startLine: number;
  endLine: number;
}

export interface QuestionScore {
  /** 1-based rank of the first answer file among the distinct cited files; undefined when none is cited. */
  rank: number | undefined;
  /** The first citation is on an answer file. */
  hit1: boolean;
  /** An answer file is among the first 5 distinct cited files. */
  hit5: boolean;
  /** 1/rank, 0 when no answer file is cited. */
  reciprocalRank: number;
  /** An answer file is cited anywhere. */
  cited: boolean;
  /** Fraction of the distinct cited spans (path + lines) that are on an answer file; 0 for no citation. */
  share: number;
  /** Distinct cited spans. */
  spans: number;
}

/** The distinct cited files, in order of first appearance. */
export function distinctFiles(citations: readonly Citation[]): string[] {
  return [...new Set(citations.map((c) => c.path))];
}

/** The distinct cited spans: one report may cite the same lines in several sections. */
export function distinctSpans(citations: readonly Citation[]): Citation[] {
  const seen = new Map<string, Citation>();
  for (const c of citations) {
    const key = `${c.path}\n${c.startLine}\n${c.endLine}`;
    if (!seen.has(key)) seen.set(key, c);
  }
  return [...seen.values()];
}

/** 1-based rank of the first answer file among the distinct cited files. */
export function answerRank(citations: readonly Citation[], answers: readonly string[]): number | undefined {
  const index = distinctFiles(citations).findIndex((file) => answers.includes(file));
  return index < 0 ? undefined : index + 1;
}

export function scoreQuestion(citations: readonly Citation[], answers: readonly string[]): QuestionScore {
  const rank = answerRank(citations, answers);
  const spans = distinctSpans(citations);
  const onAnswer = spans.filter((s) => answers.includes(s.path)).length;
  return {
    rank,
    hit1: rank === 1,
    hit5: rank !== undefined && rank <= 5,
    reciprocalRank: rank === undefined ? 0 : 1 / rank,
    cited: rank !== undefined,
    share: spans.length === 0 ? 0 : onAnswer / spans.length,
    spans: spans.length,
  };
}

export interface Aggregate {
  questions: number;
  hit1: number;
  hit5: number;
  mrr: number;
  cited: number;
  /** Mean of the per-question shares: each question weighs the same, however many spans its report cites. */
  share: number;
}

/** Means over questions (rates in 0..1). An empty list scores 0 everywhere rather than NaN. */
export function aggregate(scores: readonly QuestionScore[]): Aggregate {
  const n = scores.length;
  const mean = (pick: (s: QuestionScore) => number) => (n === 0 ? 0 : scores.reduce((sum, s) => sum + pick(s), 0) / n);
  return {
    questions: n,
    hit1: mean((s) => (s.hit1 ? 1 : 0)),
    hit5: mean((s) => (s.hit5 ? 1 : 0)),
    mrr: mean((s) => s.reciprocalRank),
    cited: mean((s) => (s.cited ? 1 : 0)),
    share: mean((s) => s.share),
  };
}

/**
 * Citations whose lines do not exist in their file: no such file, a start before line 1, an end
 * before the start or past the file's last line. `lineCount` answers undefined for a missing file.
 */
export function invalidCitations(citations: readonly Citation[], lineCount: (path: string) => number | undefined): Citation[] {
  return citations.filter((c) => {
    const lines = lineCount(c.path);
    return lines === undefined || !Number.isInteger(c.startLine) || !Number.isInteger(c.endLine) || c.startLine < 1 || c.endLine < c.startLine || c.endLine > lines;
  });
}

/**
 * Lines of a text as an editor numbers them (VS Code, where a citation link opens): after a final
 * newline comes one more, empty line, and an empty file has line 1. Lenient on purpose, so only a
 * citation past what an editor can show counts as invalid.
 */
export function countLines(text: string): number {
  return text.split(/\r\n|\r|\n/).length;
}
