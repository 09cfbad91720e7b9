import { isHangul } from './segment-words';
import { normalizeTerm, tokenize } from './search-terms';

/** Shorter words would prefix-match too much ("log" → "login", "logo"). */
const MIN_PREFIX_LENGTH = 4;
/** Two Hangul syllables are already a specific noun. */
const MIN_HANGUL_PREFIX_LENGTH = 2;

/**
 * Which of a query's (stemmed) terms MiniSearch may also match as a prefix of indexed terms.
 *
 * Only stems the stemmer left whole, that is, words of the query as typed: "shut" still finds
 * "shutdown" and "config" still finds "configur" (configure, configuration). A stem the stemmer cut
 * ("retries" → "retri", "configuration" → "configur") already matches every inflection exactly, and
 * extending it reaches other words instead: "retri" is the start of "retriev" (retrieve, retrieval).
 * The plural fold this replaced cut only plurals, so prefixing every term was safe then; with stems
 * it over-matched. Hangul words are prefixed from two syllables, since Korean appends particles to
 * nouns ("서버" → "서버가"), and Hangul is never stemmed.
 */
export function prefixRule(query: string): (term: string) => boolean {
  const whole = new Set<string>();
  for (const word of tokenize(query)) {
    if (normalizeTerm(word) === word) whole.add(word);
  }
  return (term) => whole.has(term) && term.length >= (isHangul(term) ? MIN_HANGUL_PREFIX_LENGTH : MIN_PREFIX_LENGTH);
}
