import { UsageError } from './errors';

export const MAX_QUESTION_LENGTH = 4000;

/** Returns the question trimmed, or throws a UsageError that says what to fix. */
export function validateQuestion(input: unknown): string {
  if (typeof input !== 'string') throw new UsageError('the question must be text');
  const question = input.replace(/\0/g, '').trim();
  if (question === '') throw new UsageError('the question is empty: type what you want to find out');
  if (question.length > MAX_QUESTION_LENGTH) {
    throw new UsageError(
      `the question is ${question.length.toLocaleString('en')} characters long; the limit is ${MAX_QUESTION_LENGTH.toLocaleString('en')}: ask a shorter question and put long material in a file of the folder instead`,
    );
  }
  return question;
}
