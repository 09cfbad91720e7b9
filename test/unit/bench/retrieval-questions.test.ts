import * as assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { CORPORA, corpusFiles, packageDir } from '../../../bench/support/retrieval-corpora';
import { loadQuestions } from '../../../bench/support/retrieval-questions';

describe('bench: retrieval questions', () => {
  for (const spec of CORPORA) {
    it(`${spec.name}: the question file parses and every answer file is in the corpus`, async () => {
      const questions = loadQuestions(spec.name);
      assert.ok(questions.length >= 12, `${spec.name}: only ${questions.length} questions`);
      const files = new Set(await corpusFiles(spec));
      for (const q of questions) {
        for (const answer of q.answers) {
          // A package upgrade that renames or drops a file must fail here, not score silently lower.
          assert.ok(existsSync(path.join(packageDir(spec.pkg), ...answer.split('/'))), `${spec.name}: "${q.question}" names ${answer}, which the package no longer has`);
          assert.ok(files.has(answer), `${spec.name}: "${q.question}" names ${answer}, which is not part of the corpus`);
        }
      }
      assert.equal(new Set(questions.map((q) => q.question)).size, questions.length, `${spec.name}: a question is asked twice`);
    });
  }
});
