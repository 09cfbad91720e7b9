import assert from 'node:assert/strict';
import { americanSpelling } from '../../../../src/providers/offline/english-spelling';
import { prefixRule } from '../../../../src/providers/offline/query-prefix';
import { normalizeTerm, searchTerms, tokenize, tokenizeForIndex } from '../../../../src/providers/offline/search-terms';

function shared(a: string, b: string): string[] {
  const right = searchTerms(b);
  return [...searchTerms(a)].filter((term) => right.has(term));
}

describe('search terms: stemming', () => {
  it('gives "gracefully shut down" and "Graceful shutdown" a common stem', () => {
    assert.deepEqual(shared('gracefully shut down', 'Graceful shutdown'), ['grace']);
    // "down" is a stop word; "shut" finds "shutdown" by prefix (see prefixRule).
    assert.deepEqual([...searchTerms('gracefully shut down')], ['grace', 'shut']);
  });

  it('folds inflections: stalls/stalled, retries/retrying, limits/limit', () => {
    assert.equal(normalizeTerm('stalls'), normalizeTerm('stalled'));
    assert.equal(normalizeTerm('retries'), normalizeTerm('retrying'));
    assert.equal(normalizeTerm('retries'), normalizeTerm('retry'));
    assert.equal(normalizeTerm('limits'), 'limit');
    assert.deepEqual(shared('why the worker stalls', 'The worker stalled after a timeout'), ['worker', 'stall']);
  });

  it('joins a hyphenated prefix to its word, so "re-run" meets "rerunning"', () => {
    assert.deepEqual(shared('Can the tests re-run by themselves?', 'run tests in serial, rerunning as files change'), ['test', 'rerun', 'run']);
    assert.ok(searchTerms('a pre-release build').has('prereleas'));
    // Other hyphenated words stay apart: "rate-limits" is rate and limits.
    assert.deepEqual(tokenize('the rate-limits'), ['rate', 'limits']);
  });

  it('folds British and American spellings: colourful/colorize, initialise/initialize, centre/center', () => {
    const same = (a: string, b: string) => assert.deepEqual([...searchTerms(a)], [...searchTerms(b)], `${a} / ${b}`);
    same('colourful', 'colorful');
    same('colour', 'colorize');
    same('initialise', 'initialize');
    same('serialisation', 'serialization');
    same('analysed behaviour', 'analyzed behavior');
    same('centre catalogue licence', 'center catalog license');
    // Words that only look like it keep their own stems.
    for (const word of ['hour', 'four', 'tour', 'detour', 'wise', 'rise', 'genre', 'vogue']) assert.equal(americanSpelling(word), word);
  });

  it('keeps words of other scripts, and short or odd words, as they are', () => {
    assert.equal(normalizeTerm('服务'), '服务');
    assert.equal(normalizeTerm('utf8'), 'utf8');
    assert.equal(normalizeTerm('process'), 'process');
    for (const word of ['s', 'ies', 'aed']) assert.ok(normalizeTerm(word) !== '', word);
  });

  it('returns the same stem from the memo as computed fresh, many times over', () => {
    const first = normalizeTerm('configurations');
    for (let i = 0; i < 105_000; i++) normalizeTerm(`word${i}s`);
    assert.equal(normalizeTerm('configurations'), first);
    assert.equal(normalizeTerm('word7s'), 'word7');
  });
});

describe('search terms: identifiers and stop words', () => {
  it('splits camelCase, acronyms and snake_case, keeping the whole identifier', () => {
    assert.deepEqual(tokenize('maxRetries'), ['max', 'retries', 'maxretries']);
    assert.deepEqual(tokenize('parseHTTPResponse'), ['parse', 'http', 'response', 'parsehttpresponse']);
    assert.deepEqual(tokenize('snake_case'), ['snake', 'case', 'snake_case']);
  });

  it('stems identifier parts and whole identifiers the same way on both sides', () => {
    assert.deepEqual([...searchTerms('maxRetries')], ['max', 'retri', 'maxretri']);
    assert.deepEqual(shared('max retries', 'const maxRetries = 3;'), ['max', 'retri']);
    assert.deepEqual(shared('maxRetries', 'options.maxRetries'), ['max', 'retri', 'maxretri']);
  });

  it('drops English stop words and one-letter Latin terms', () => {
    assert.deepEqual(tokenize('How does the x of a parser work?'), ['parser', 'work']);
    assert.deepEqual([...searchTerms('what are the')], []);
    // What is left of a contraction is no word: "don't pass a key" is about passing a key.
    assert.deepEqual(tokenize("I don't pass a key, it isn't set and you'll see why"), ['pass', 'key', 'set', 'see']);
  });

  it('caps repeats of a term for the index', () => {
    assert.deepEqual(tokenizeForIndex('cache cache cache cache cache'), ['cache', 'cache', 'cache']);
  });
});

describe('search terms: Chinese, Japanese, Korean and Thai', () => {
  it('cuts a Chinese sentence into several words, single characters included', () => {
    const terms = tokenize('服务器的超时时间可以在配置文件中设置');
    assert.ok(terms.length >= 6, terms.join('|'));
    for (const word of ['配置', '文件', '设置', '时间']) assert.ok(terms.includes(word), `${word} in ${terms.join('|')}`);
    assert.ok(terms.some((term) => term.length === 1), 'one-character words are kept');
  });

  it('gives a Chinese question terms in common with the Chinese passage that answers it', () => {
    const common = shared('如何配置超时时间？', '服务器的超时时间可以在配置文件中设置。');
    for (const word of ['配置', '时间']) assert.ok(common.includes(word), common.join('|'));
  });

  it('cuts Japanese and Thai, and keeps Korean words whole', () => {
    assert.deepEqual(tokenize('データベースの接続'), ['データベース', 'の', '接続']);
    const thai = tokenize('การเชื่อมต่อฐานข้อมูลล้มเหลว');
    assert.ok(thai.length >= 4 && thai.includes('ข้อมูล'), thai.join('|'));
    assert.deepEqual(tokenize('서버가 연결을 종료합니다'), ['서버가', '연결을', '종료합니다']);
  });

  it('handles mixed text: Latin words and identifiers beside CJK in one run', () => {
    const terms = tokenize('调用maxRetries的API失败了, then Graceful shutdown');
    for (const term of ['调', '用', 'max', 'retries', 'maxretries', 'api', '失败', 'graceful', 'shutdown']) {
      assert.ok(terms.includes(term), `${term} in ${terms.join('|')}`);
    }
  });
});

describe('search terms: prefix matching', () => {
  it('prefixes whole words of four letters or more, never cut stems', () => {
    const rule = prefixRule('config shut retries configuration log');
    assert.equal(rule('config'), true, '"config" finds "configur"');
    assert.equal(rule('shut'), true, '"shut" finds "shutdown"');
    assert.equal(rule('retri'), false, '"retri" would find "retriev"');
    assert.equal(rule('configur'), false);
    assert.equal(rule('log'), false, 'too short');
  });

  it('prefixes Hangul words from two syllables', () => {
    assert.equal(prefixRule('서버 설정')('서버'), true);
  });
});

describe('search terms: names in code', () => {
  it('keeps a stop word that code calls or reads as a member, so describe() and it() can be found', () => {
    assert.deepEqual(tokenize('describe the suite'), ['suite']);
    assert.deepEqual(tokenize("describe('suite', () => { it('works') })"), ['describe', 'suite', 'it', 'works']);
    assert.deepEqual(tokenize('context.it.only'), ['context', 'it', 'only']);
  });
});
