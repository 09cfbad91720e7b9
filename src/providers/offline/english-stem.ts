import { newStemmer } from 'snowball-stemmers';
import { americanSpelling } from './english-spelling';

/**
 * English stems (Snowball's Porter2), memoised: indexing a large folder stems millions of tokens,
 * but only some tens of thousands of distinct words, and Snowball costs a few microseconds a word.
 */
const stemmer = newStemmer('english');

/**
 * The memo is two maps, the newer one filled until it holds MEMO_SIZE words, when it becomes the
 * older one and the previous older one is dropped. Memory stays bounded (at most twice MEMO_SIZE
 * words), and the words still in use survive a turnover, being copied forward when looked up.
 */
const MEMO_SIZE = 50_000;
let recent = new Map<string, string>();
let older = new Map<string, string>();

/** Words Porter2 is made for: Latin letters (with digits and marks). Other scripts pass unchanged. */
const LATIN_WORD = /^[\p{Script=Latin}\p{M}\p{N}]+$/u;

/** The Porter2 stem of a lower-case word, in its American spelling: "gracefully" and "graceful" → "grace", "stalls" → "stall". */
export function stemEnglish(word: string): string {
  const known = recent.get(word);
  if (known !== undefined) return known;
  let stem = older.get(word);
  if (stem === undefined) stem = computeStem(word);
  if (recent.size >= MEMO_SIZE) {
    older = recent;
    recent = new Map();
  }
  recent.set(word, stem);
  return stem;
}

function computeStem(word: string): string {
  if (!LATIN_WORD.test(word)) return word;
  // British and American spellings meet first: "colourful" finds "colorize".
  const stem = stemmer.stem(americanSpelling(word));
  // Never let stemming turn a word into nothing: the term would vanish from index and query alike.
  return stem === '' ? word : stem;
}
