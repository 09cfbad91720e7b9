import { newStemmer } from 'snowball-stemmers';

/**
 * How text becomes search terms, the same way for passages, paths, questions and facet queries, so
 * that what the planner calls "overlapping" is exactly what the index would match twice.
 */

/**
 * Words too common to say what a passage is about, plus the words questions are phrased with
 * ("how does … work", "what are …"). Code keywords stay: `async` or `return` can be what is asked.
 */
const STOP_WORDS = new Set(
  (
    'a about above after again against all also am an and any are as at be because been before being ' +
    'below between both but by can could did do does doing done down during each either else even ever ' +
    'every few for from further get gets got had has have having he her here hers herself him himself his ' +
    'how however i if in into is it its itself just let lets like many may me might more most much must my ' +
    'myself neither no nor not now of off on once one only or other our ours ourselves out over own per ' +
    'please same shall she should so some such than that the their theirs them themselves then there these ' +
    'they this those though through thus to too under until up upon us very via was we were what whatever ' +
    'when where whether which while who whom whose why will with within without would yet you your yours ' +
    'yourself yourselves tell show explain describe find give know look want need ' +
    'somewhere something anything everything someone anyone else instead able way ways thing things'
  ).split(' '),
);

/** Identifier-ish runs: letters, digits, `_` and `$`, so `snake_case` and `$el` stay one token first. */
const WORD = /[\p{L}\p{N}_$]+/gu;
/** Boundaries inside an identifier: `parseHTTPResponse` → parse | HTTP | Response. */
const CAMEL_BOUNDARY = /(?<=[\p{Ll}\p{N}])(?=\p{Lu})|(?<=\p{Lu})(?=\p{Lu}\p{Ll})/u;

/**
 * Splits text into lower-case terms. An identifier gives its parts and, when it has several, itself
 * too: `maxRetries` yields `max`, `retries` and `maxretries`, so both "retries" and the exact
 * identifier find it, the exact one scoring higher. Stop words and one-letter terms are dropped.
 * Chinese, Japanese, Korean and Thai are written without spaces: their runs are cut into words by
 * `Intl.Segmenter` (ICU's dictionaries), where one character can be a word.
 */
export function tokenize(text: string): string[] {
  const terms: string[] = [];
  for (const [word] of text.matchAll(WORD)) {
    const lower = word.toLowerCase();
    const unspaced = !ASCII.test(word) && UNSPACED_SCRIPT.test(word);
    // Fast path for the common plain lower-case word: indexing tokenizes millions of them.
    if (lower === word && !unspaced && !/[_$]/.test(word)) {
      if (isContentTerm(word)) terms.push(word);
      continue;
    }
    if (unspaced) {
      terms.push(...segmentUnspaced(lower));
      continue;
    }
    const parts = word.split(/[_$]+/).flatMap((part) => part.split(CAMEL_BOUNDARY)).filter((part) => part !== '');
    for (const part of parts) {
      const term = part.toLowerCase();
      if (isContentTerm(term)) terms.push(term);
    }
    const whole = lower.replace(/^[_$]+|[_$]+$/g, '');
    if (parts.length > 1 && whole.length > 1) terms.push(whole);
  }
  return terms;
}

const ASCII = /^[\x00-\x7f]*$/;
/** Scripts written without spaces between words. */
const UNSPACED_SCRIPT = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}\p{Script=Thai}\p{Script=Lao}\p{Script=Khmer}\p{Script=Myanmar}]/u;
const SEGMENTER = new Intl.Segmenter(undefined, { granularity: 'word' });
/** Chinese and Japanese particles and question words, the stop words of those languages. */
const UNSPACED_STOP_WORDS = new Set('的 了 是 在 和 与 及 或 如何 怎么 怎样 什么 为什么 吗 呢 吧 由 把 被 这 那 这个 那个 一个 哪些 哪个 の は が を に で と も か'.split(' '));

/**
 * The words of a run that mixes an unspaced script with letters or digits (`调度器v2`): ICU picks the
 * language's dictionary by script, whatever the locale. Latin parts of the run are kept as they are.
 */
function segmentUnspaced(run: string): string[] {
  const terms: string[] = [];
  for (const { segment, isWordLike } of SEGMENTER.segment(run)) {
    if (!isWordLike || UNSPACED_STOP_WORDS.has(segment)) continue;
    if (UNSPACED_SCRIPT.test(segment) || isContentTerm(segment)) terms.push(segment);
  }
  return terms;
}

/**
 * The terms to index for a text: `tokenize`, with each term kept at most MAX_TERM_FREQUENCY times.
 * BM25's credit for repeats flattens out after a few (k1 = 1.2), while every occurrence costs the
 * index a tree lookup; the cap makes a large workspace index several times faster for almost no
 * change in ranking. (MiniSearch measures a field's length in distinct terms, which the cap keeps.)
 */
export function tokenizeForIndex(text: string): string[] {
  const counts = new Map<string, number>();
  return tokenize(text).filter((term) => {
    const seen = (counts.get(term) ?? 0) + 1;
    counts.set(term, seen);
    return seen <= MAX_TERM_FREQUENCY;
  });
}

const MAX_TERM_FREQUENCY = 3;

function isContentTerm(term: string): boolean {
  return term.length > 1 && !STOP_WORDS.has(term);
}

/**
 * Reduces a term to its stem with Snowball's English stemmer (Porter2), for index and query alike, so
 * "gracefully shut down" finds "Graceful shutdown" and "stalls" finds "stalled". Terms with digits or
 * outside the Latin script are left as they are: Snowball's English rules would mangle `v2` or `调度`.
 * Stems are memoised: indexing a folder stems millions of words, most of them the same few thousand.
 */
export function normalizeTerm(term: string): string {
  const known = stems.get(term);
  if (known !== undefined) return known;
  const stem = STEMMABLE.test(term) ? stemmer.stem(term) : term;
  if (stems.size >= MAX_MEMOISED_STEMS) stems.clear();
  stems.set(term, stem);
  return stem;
}

const stemmer = newStemmer('english');
const STEMMABLE = /^[a-z]{3,}$/;
const stems = new Map<string, string>();
/** Enough for a large folder's vocabulary of words; a folder of random tokens just starts over. */
const MAX_MEMOISED_STEMS = 200_000;

/** The distinct normalised terms of a text: what a query made from it would search for. */
export function searchTerms(text: string): Set<string> {
  return new Set(tokenize(text).map(normalizeTerm));
}
