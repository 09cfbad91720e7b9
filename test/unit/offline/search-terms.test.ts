import assert from 'node:assert/strict';
import { normalizeTerm, searchTerms, tokenize } from '../../../src/providers/offline/search-terms';

const overlap = (a: string, b: string) => [...searchTerms(a)].filter((term) => searchTerms(b).has(term));

describe('offline tokenizer', () => {
  it('stems words of one family onto one term (Snowball), for questions and files alike', () => {
    assert.ok(overlap('How do I gracefully shut down?', 'Graceful shutdown').length > 0);
    assert.deepEqual(overlap('Why does my job stall?', 'Jobs that stalled are retried'), [normalizeTerm('job'), normalizeTerm('stall')]);
    assert.equal(normalizeTerm('retrying'), normalizeTerm('retries'));
    assert.equal(normalizeTerm('configuration'), normalizeTerm('configure'));
  });

  it('keeps identifiers findable by their parts and whole, and leaves digits and other scripts unstemmed', () => {
    assert.deepEqual(tokenize('maxRetries'), ['max', 'retries', 'maxretries']);
    assert.ok(searchTerms('set maxRetries').has(normalizeTerm('retries')));
    assert.equal(normalizeTerm('v2'), 'v2');
    assert.equal(normalizeTerm('http2'), 'http2');
  });

  it('drops stop words and the vague words questions are phrased with', () => {
    assert.deepEqual(tokenize('How do I ship logs somewhere else instead?'), ['ship', 'logs']);
  });

  it('cuts Chinese, Japanese and Thai into words, so a question meets the text that answers it', () => {
    const question = tokenize('调度器如何决定任务的执行顺序？');
    assert.ok(question.length >= 4, question.join(' '));
    assert.ok(!question.includes('的') && !question.includes('如何'), 'particles and question words are stop words');
    const shared = overlap('调度器如何决定任务的执行顺序？', '调度器根据依赖关系决定任务的执行顺序。');
    assert.ok(shared.includes('任务') && shared.includes('顺序'), shared.join(' '));
    assert.ok(tokenize('ログを出力する').length >= 2);
    assert.ok(tokenize('การจัดตารางงาน').length >= 2);
    assert.deepEqual(tokenize('the 调度 module'), ['调度', 'module']);
  });
});
