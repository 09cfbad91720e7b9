import { stemEnglish } from './english-stem';
import { SEGMENTED_SCRIPTS, segmentWords } from './segment-words';

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
    'tells shows shown showing explains explained describes wants needs ' +
    'somewhere something anything everything someone anyone else instead able way ways thing things ' +
    // What the tokenizer leaves of contractions ("don't" → don, t; "you'll" → you, ll).
    'don doesn didn isn aren wasn weren hasn haven hadn won wouldn couldn shouldn mustn needn ll ve re'
  ).split(' '),
);

/**
 * A run of Chinese, Japanese, Korean or Thai (group 1), to be cut into words by ICU, or else an
 * identifier-ish run of other letters, digits, `_` and `$`, so `snake_case` and `$el` stay one
 * token first. Marks count as letters: Thai vowels and decomposed accents are combining marks.
 * One pass over the text finds both, so Latin text pays nothing for the segmented scripts. Built
 * with RegExp because the `v` flag (class subtraction) is newer than the TypeScript target; Node
 * has it.
 */
const WORD = new RegExp(`([${SEGMENTED_SCRIPTS}]+)|[[\\p{L}\\p{M}\\p{N}_$]--[${SEGMENTED_SCRIPTS}]]+`, 'gv');
/** Boundaries inside an identifier: `parseHTTPResponse` → parse | HTTP | Response. */
const CAMEL_BOUNDARY = /(?<=[\p{Ll}\p{N}])(?=\p{Lu})|(?<=\p{Lu})(?=\p{Lu}\p{Ll})/u;

/**
 * Splits text into lower-case terms, not yet stemmed (`normalizeTerm` does that). An identifier
 * gives its parts and, when it has several, itself too: `maxRetries` yields `max`, `retries` and
 * `maxretries`, so both "retries" and the exact identifier find it, the exact one scoring higher.
 * Chinese, Japanese, Korean and Thai runs are cut into words by ICU (see segment-words.ts).
 * English stop words and one-letter Latin terms are dropped; a single Han character is a word.
 */
export function tokenize(text: string): string[] {
  const terms: string[] = [];
  for (const match of text.matchAll(WORD)) {
    const [word, segmented] = match;
    if (segmented !== undefined) {
      // Every word of these scripts counts, one character long or not; the stop words are English.
      segmentWords(segmented, terms);
      continue;
    }
    // "re-run" is also "rerun", "pre-release" "prerelease": a prefix and its word, joined (see PREFIX).
    if (text.charCodeAt(match.index + word.length) === 45 /* - */ && PREFIX.test(word)) {
      const next = /^-([\p{L}]+)/u.exec(text.slice(match.index + word.length, match.index + word.length + 40));
      if (next) terms.push((word + next[1]).toLowerCase());
    }
    // Fast path for the common plain lower-case word: indexing tokenizes millions of them.
    if (word.toLowerCase() === word && !/[_$]/.test(word)) {
      if (isContentTerm(word) || (word.length > 1 && isCalled(text, match.index, word.length))) terms.push(word);
      continue;
    }
    identifierTerms(word, terms);
  }
  return terms;
}

/** Prefixes written with a hyphen or without ("re-run", "rerunning"), which the index should not tell apart. */
const PREFIX = /^(?:re|pre|un|non|co|de|sub|multi|auto|inter|over|under|out|post)$/i;

/** Adds an identifier's parts, and the whole identifier when it has several parts. */
function identifierTerms(word: string, terms: string[]): void {
  const parts = word.split(/[_$]+/).flatMap((part) => part.split(CAMEL_BOUNDARY)).filter((part) => part !== '');
  for (const part of parts) {
    const term = part.toLowerCase();
    if (isContentTerm(term)) terms.push(term);
  }
  const whole = word.toLowerCase().replace(/^[_$]+|[_$]+$/g, '');
  if (parts.length > 1 && whole.length > 1) terms.push(whole);
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

/**
 * Whether a word is used as a name in code: called (`describe(`, `it(`) or a member (`.find`). Such a
 * word is kept even when it is a stop word, or mocha's `describe()` and `it()` could not be found.
 */
function isCalled(text: string, at: number, length: number): boolean {
  return text.charCodeAt(at + length) === 40 /* ( */ || (at > 0 && text.charCodeAt(at - 1) === 46 /* . */);
}

function isContentTerm(term: string): boolean {
  return term.length > 1 && !STOP_WORDS.has(term);
}

/**
 * The form a term is indexed and searched under, for index and query alike: its English stem
 * (Snowball's Porter2), so "gracefully" finds "graceful" and "stalls" finds "stalled". Terms in
 * other scripts stay as they are. Identifier parts and whole identifiers are stemmed the same way
 * on both sides (`maxRetries` → `maxretri`), so they still meet.
 */
export function normalizeTerm(term: string): string {
  return stemEnglish(term);
}

/** The distinct normalised terms of a text: what a query made from it would search for. */
export function searchTerms(text: string): Set<string> {
  return new Set(tokenize(text).map(normalizeTerm));
}
