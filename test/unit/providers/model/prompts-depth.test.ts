import assert from 'node:assert/strict';
import { SOURCE_FENCE } from '../../../../src/providers/fence';
import { synthesizeMessages } from '../../../../src/providers/model/prompts';

describe('model writer: the report depth', () => {
  const system = (depth?: 'brief' | 'standard' | 'detailed') => synthesizeMessages('Why?', [], [], [], SOURCE_FENCE, depth)[0]!.content;

  it('brief asks for one answer section of at most 200 words', () => {
    assert.match(system('brief'), /one section that starts with the line "## Answer" and answers the question in at most 200 words; nothing else/);
  });

  it('standard (the default) asks for an answering paragraph, then sections', () => {
    assert.equal(system(), system('standard'));
    assert.match(system('standard'), /first one paragraph that answers the question briefly, then sections/);
    assert.doesNotMatch(system('standard'), /200 words|How the evidence was weighed/);
  });

  it('detailed asks for every part of the evidence and how it was weighed', () => {
    assert.match(system('detailed'), /covering every part of the evidence .*"## How the evidence was weighed"/);
  });

  it('keeps the rules of every depth: cite by id, use only the evidence', () => {
    for (const depth of ['brief', 'standard', 'detailed'] as const) assert.match(system(depth), /cite it by id in square brackets.*Use only the evidence/);
  });
});
