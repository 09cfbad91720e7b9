import { SEGMENTED_SCRIPTS } from './segment-words';
import { searchTerms, tokenize } from './search-terms';

const UNSPACED = new RegExp(`[${SEGMENTED_SCRIPTS}]`, 'u');

/** One sub-question of the research: what it is called in the report, and the words searched for it. */
export interface Facet {
  label: string;
  query: string;
  /** Words that narrow the query to an aspect (see TaskSpec.focus); absent for the question's own facets. */
  focus?: string;
}

/**
 * Facets that complete a question that names only one or two things: what it is, how it works,
 * what goes wrong, how it is used, how it is checked. Their words narrow a search of the question's
 * subject (completeWithAspects); they are disjoint from each other, so no two aspects narrow alike.
 */
export const ASPECTS: readonly Facet[] = [
  { label: 'Overview and purpose', query: 'overview introduction purpose definition summary readme' },
  { label: 'How it works', query: 'implementation algorithm process flow step internal' },
  { label: 'Limitations, errors and risks', query: 'limitation error risk failure exception caveat warning todo' },
  { label: 'Usage, configuration and examples', query: 'usage example configuration option setting command' },
  { label: 'Tests and verification', query: 'test spec assert verify check' },
];

/**
 * Where a question turns to another topic: commas and other clause marks (fullwidth ones too, as
 * Chinese and Japanese write them), sentence ends, and the
 * words that join or contrast topics ("and", "or", "vs", "compared with" …).
 */
const TOPIC_BREAK =
  /[,;:?!，；：？！（）、。]|\((?!\))|(?<!\()\)|\.(?=\s|$)|\s(?:and|or|vs\.?|versus|as well as|along with|plus|but|compared (?:to|with)|against|then)(?=\s)/i;

/**
 * Splits text into facets whose queries share no search term with each other or with `used`
 * (which is extended with the terms taken). A word whose terms were all taken by an earlier facet
 * is dropped from the later one; a part left with no words of its own gives no facet.
 */
export function facetsFromText(text: string, used: Set<string>): Facet[] {
  const facets: Facet[] = [];
  for (const part of text.split(TOPIC_BREAK)) {
    const words: string[] = [];
    // Chinese, Japanese and Thai clauses have no spaces: their words are what the tokenizer cuts out.
    const pieces = part.split(/\s+/).flatMap((raw) => (UNSPACED.test(raw) ? tokenize(raw) : [raw]));
    for (const raw of pieces) {
      // A call keeps its brackets (`describe()`): the tokenizer keeps a called name even when it is a stop word.
      const word = raw.replace(/^[^\p{L}\p{M}\p{N}_$]+/u, '').replace(/(\(\))?[^\p{L}\p{M}\p{N}_$]*$/u, (_, call: string | undefined) => call ?? '');
      const terms = [...searchTerms(word)];
      if (terms.length === 0 || terms.some((term) => used.has(term))) continue;
      for (const term of terms) used.add(term);
      words.push(word);
    }
    if (words.length > 0) facets.push({ label: labelOf(part), query: words.join(' ') });
  }
  return facets;
}

/**
 * The facets of a question from its parts (facetsFromText): a question of several parts is searched
 * whole first, since the file that answers it usually names its parts together; then each part that
 * has two words or more on its own. A part of one word ("readable, colourful logs", "keep both") is
 * too vague to search alone and stays in the whole.
 */
export function questionFacets(parts: readonly Facet[]): Facet[] {
  if (parts.length <= 1) return [...parts];
  const whole: Facet = { label: WHOLE_QUESTION, query: parts.map((part) => part.query).join(' ') };
  return [whole, ...parts.filter((part) => searchTerms(part.query).size >= MIN_PART_TERMS)];
}

const MIN_PART_TERMS = 2;
/** The whole question's facet: its report section would otherwise repeat the report's title. */
export const WHOLE_QUESTION = 'The whole question';

/**
 * Adds aspects until there are `minimum` facets. Each aspect searches the question's `subject` and is
 * narrowed by its own words (a passage must match both), so "Limitations" of a question about the
 * dispatcher finds the dispatcher's errors, not every error of the folder. Aspects whose words the
 * question already uses (a question about "errors" covers the risks aspect) come last.
 */
export function completeWithAspects(facets: Facet[], subject: string, minimum: number): Facet[] {
  const result = [...facets];
  const own = searchTerms(subject);
  const untouched = ASPECTS.filter((aspect) => ![...searchTerms(aspect.query)].some((term) => own.has(term)));
  const touched = ASPECTS.filter((aspect) => !untouched.includes(aspect));
  for (const aspect of [...untouched, ...touched]) {
    if (result.length >= minimum) break;
    const focus = aspect.query.split(' ').filter((word) => ![...searchTerms(word)].some((term) => own.has(term)));
    if (focus.length > 0) result.push({ label: aspect.label, query: subject, focus: focus.join(' ') });
  }
  return result;
}

/** Folds facets beyond `maximum` into the last one kept, so no part of the question is lost. */
export function capFacets(facets: readonly Facet[], maximum: number): Facet[] {
  if (facets.length <= maximum) return [...facets];
  const kept = facets.slice(0, maximum - 1);
  const rest = facets.slice(maximum - 1);
  // Aspects repeat the subject as their query: the folded query names each word once.
  const query = [...new Set(rest.flatMap((f) => f.query.split(' ')))].join(' ');
  const focus = rest.every((f) => f.focus) ? [...new Set(rest.flatMap((f) => f.focus!.split(' ')))].join(' ') : undefined;
  kept.push({ label: rest.map((f) => f.label).join('; '), query, ...(focus ? { focus } : {}) });
  return kept;
}

/** The part as written, trimmed of joining punctuation, with a capital first letter. */
function labelOf(part: string): string {
  const label = part.trim().replace(/^[\s"'`“‘]+|[\s"'`”’.]+$/g, '').replace(/\s+/g, ' ');
  return label.charAt(0).toUpperCase() + label.slice(1);
}
