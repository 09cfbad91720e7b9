/** The retrieval benchmark's questions: bench/retrieval/<corpus>.json, checked on load. */
import { readFileSync } from 'node:fs';
import * as path from 'node:path';

export interface RetrievalQuestion {
  question: string;
  /** The file(s), relative to the corpus root, that answer it. */
  answers: string[];
  /** Why those files answer it, for whoever checks the question later. */
  note: string;
}

export const QUESTIONS_DIR = path.join(__dirname, '..', 'retrieval');

/** Parses and checks one corpus's question file; throws naming the file and the entry at fault. */
export function loadQuestions(corpus: string): RetrievalQuestion[] {
  const file = path.join(QUESTIONS_DIR, `${corpus}.json`);
  const data: unknown = JSON.parse(readFileSync(file, 'utf8'));
  if (!Array.isArray(data)) throw new Error(`${file}: expected an array of questions`);
  return data.map((entry: unknown, i) => {
    const q = entry as Partial<RetrievalQuestion> | null;
    const ok =
      q !== null &&
      typeof q === 'object' &&
      typeof q.question === 'string' &&
      q.question.trim() !== '' &&
      Array.isArray(q.answers) &&
      q.answers.length >= 1 &&
      q.answers.length <= 3 &&
      q.answers.every((a) => typeof a === 'string' && a !== '') &&
      typeof q.note === 'string';
    if (!ok) throw new Error(`${file}: entry ${i} needs a question, 1 to 3 answers and a note`);
    return { question: q.question!, answers: q.answers!, note: q.note! };
  });
}
