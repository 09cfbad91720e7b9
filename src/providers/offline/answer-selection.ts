import { startsInsideFence } from '../../core/source-markdown';
import type { Finding, SourceRef } from '../../core/sources';
import { languageForPath } from './code-language';
import type { PassageContext } from './result-data';
import { searchTerms } from './search-terms';

/**
 * The report's Answer: the few sentences (in prose) or lines (in code) across the evidence that best
 * answer the question, picked by query-focused extractive selection with a diversity penalty
 * (maximal marginal relevance): each pick is the unit that best matches the question's words, weighed
 * by how specific each word is, minus how much it repeats what was already picked.
 */

/** A passage the searches found, with what the analysis knows of it. */
export interface AnswerCandidate {
  finding: Finding;
  context: PassageContext;
  /** Its score relative to the best of its own search, 0..1. */
  relative: number;
}

/** One quoted unit of the Answer: a verbatim span of `source`'s lines (checked like a model's quote). */
export interface AnswerExcerpt {
  source: SourceRef;
  /** Exactly as in the file (a sentence may span lines: they are joined with `\n`). */
  quote: string;
  /** True for a line of code, shown as code. */
  code: boolean;
}

/** At most this many units: an answer is read in one glance. */
const MAX_UNITS = 4;
/** A unit under this share of the best unit's score does not answer well enough to be shown. */
const MIN_SHARE_OF_BEST = 0.3;
/** MMR's balance between relevance and novelty. */
const LAMBDA = 0.7;
/** Too short to say anything (`}`, `return x;`), or too long to read as one answer. */
const MIN_TERMS = 3;
const LONG_TERMS = 45;
/** Shape weights: a changelog line or a link list entry rarely answers "how". */
const BOILERPLATE_WEIGHT = 0.3;
/** A sentence that sends the reader elsewhere ("See the transports document for more details") answers nothing itself. */
const POINTER = /^\W*(?:(?:for (?:more|further) (?:details|information|examples)\W*)?(?:see|refer to|check out|read)\b|more (?:details|information) (?:can be found|is available)\b)/i;
const POINTER_WEIGHT = 0.3;

interface Unit {
  excerpt: AnswerExcerpt;
  terms: Set<string>;
  score: number;
  passage: string;
}

export function selectAnswer(candidates: readonly AnswerCandidate[], weights: ReadonlyMap<string, number>, questionText = ''): AnswerExcerpt[] {
  const question = [...weights.keys()];
  const asked = comparable(questionText);
  const total = question.reduce((sum, term) => sum + (weights.get(term) ?? 0), 0);
  if (total <= 0) return [];
  const units: Unit[] = [];
  const intent = intentOf(questionText);
  for (const candidate of candidates) {
    const { finding, context } = candidate;
    const around = searchTerms([finding.source.path, ...(context.headings ?? []), context.symbol ?? ''].join(' '));
    const aroundCoverage = coverage(around, question, weights, total);
    const prior = (0.5 + 0.5 * candidate.relative) * (1 + 0.5 * aroundCoverage) * (context.boilerplate ? BOILERPLATE_WEIGHT : 1);
    for (const excerpt of unitsOf(finding)) {
      const terms = searchTerms(excerpt.quote);
      if (terms.size < MIN_TERMS) continue;
      // A line that repeats the question (an example of asking it) does not answer it.
      if (asked.length >= 12 && comparable(excerpt.quote).includes(asked)) continue;
      const matched = coverage(terms, question, weights, total);
      if (matched === 0) continue;
      const length = terms.size > LONG_TERMS ? LONG_TERMS / terms.size : 1;
      const kind = (excerpt.code ? codeLineWeight(excerpt.quote) : POINTER.test(excerpt.quote) ? POINTER_WEIGHT : 1) * intentWeight(intent, finding.source.path);
      units.push({ excerpt, terms, score: matched ** 1.5 * prior * length * kind, passage: `${finding.source.path}:${finding.source.startLine}` });
    }
  }
  return pickDiverse(dedupe(units));
}

type Intent = 'usage' | 'code' | 'named code' | undefined;

const USAGE_QUESTION = /^\s*(?:how (?:do|can|should|would) (?:i|we|you)|can (?:i|we|you)|is (?:it|there)|are there|do (?:i|we|you)|should (?:i|we)|where (?:do|can) (?:i|we)|which \w+ (?:do|should|can) (?:i|we))\b/i;
/** A question that names code ("where is the code that …", "which function …") asks for code in so many words. */
const NAMED_CODE_QUESTION = /\b(?:code|implement(?:ed|s|ation)?|function|method|class|source)\b/i;
const CODE_QUESTION = /^\s*(?:how (?:is|are|does)|what does \w+(?:\(\))? (?:compare|do|return|check))\b/i;
/** How much more a unit counts when its kind of file (documentation or code) is what the question asks for. */
const INTENT_WEIGHT = 1.3;
const NAMED_CODE_WEIGHT = 2;

/**
 * What kind of text answers the question best: "How do I …", "Can I …" ask how to use a thing, which
 * its documentation says in words; "Where is the code …", "How is X produced" ask how it is built, which
 * the code says. Undefined when the wording does not tell.
 */
function intentOf(question: string): Intent {
  if (NAMED_CODE_QUESTION.test(question)) return 'named code';
  if (CODE_QUESTION.test(question)) return 'code';
  if (USAGE_QUESTION.test(question)) return 'usage';
  return undefined;
}

function intentWeight(intent: Intent, path: string): number {
  if (!intent) return 1;
  const isCode = languageForPath(path) !== undefined;
  if (intent === 'named code') return isCode ? NAMED_CODE_WEIGHT : 1;
  return (intent === 'code') === isCode ? INTENT_WEIGHT : 1;
}

/** Lowercase words only, for comparing a line with the question regardless of punctuation and case. */
function comparable(text: string): string {
  return text.toLowerCase().replace(/[^\p{L}\p{N}]+/gu, ' ').trim();
}

const MIN_COMMENT_WORDS = 3;
const COMMENT_LINE = /^\s*(?:\/\/|\/?\*|#(?!include|define|!)|--|<!--|""")/;
/** One marker or several: a doc comment's example holds comments of its own (` * // Retry once`). */
const COMMENT_MARKER = /^(?:(?:\/\/+|\/\*+|\*+|#+|--|<!--|""")\s*)+/;
/** An import or a re-export names things without saying what they do. */
const IMPORT_LINE = /^\s*(?:import\b|export\s*(?:type\s*)?\{|export\s+\*|(?:const|let|var)\s+[\w${}\s,:]+=\s*require\(|(?:type\s+)?[\w$]+\s+as\s+[\w$]+,?\s*$)/;
const DECLARATION_LINE =
  /^\s*(?:export\s+)?(?:default\s+)?(?:async\s+)?(?:function|class|interface|type|enum|def|func|fn|struct|trait|impl)\b|^\s*(?:export\s+)?(?:const|let|var)\s+[\w$]+\s*=\s*(?:async\s+)?(?:function\b|\([^)]*\)\s*=>|[\w$]+\s*=>)/;

/**
 * In code, a comment says what the code does in words, and a declaration names it; any other line
 * (a call, a template string) matches the question's words by accident more often than not.
 */
function codeLineWeight(line: string): number {
  // A comment says what code does when it is a phrase; `// timestamp: isoTime` is code commented out.
  if (COMMENT_LINE.test(line)) return line.replace(COMMENT_MARKER, '').trim().split(/\s+/).length >= MIN_COMMENT_WORDS ? 1 : 0.5;
  // A string literal or template (a message, a table row) matches words without saying what code does.
  if (/^\s*[`'"]/.test(line) || line.length > 160) return 0.2;
  if (IMPORT_LINE.test(line)) return 0.1;
  if (DECLARATION_LINE.test(line)) return 0.8;
  return 0.5;
}

function coverage(terms: ReadonlySet<string>, question: readonly string[], weights: ReadonlyMap<string, number>, total: number): number {
  let sum = 0;
  for (const term of question) if (terms.has(term)) sum += weights.get(term) ?? 0;
  return sum / total;
}

/** The same sentence found by two facets (or in two copies of a file) is one unit. */
function dedupe(units: Unit[]): Unit[] {
  const best = new Map<string, Unit>();
  for (const unit of units) {
    const key = unit.excerpt.quote.replace(/\s+/g, ' ').trim();
    const other = best.get(key);
    if (!other || unit.score > other.score) best.set(key, unit);
  }
  return [...best.values()];
}

function pickDiverse(units: Unit[]): AnswerExcerpt[] {
  units.sort((a, b) => b.score - a.score || a.excerpt.source.path.localeCompare(b.excerpt.source.path) || a.excerpt.source.startLine - b.excerpt.source.startLine);
  const top = units[0]?.score ?? 0;
  const picked: Unit[] = [];
  const pool = units.filter((unit) => unit.score >= MIN_SHARE_OF_BEST * top);
  while (picked.length < MAX_UNITS && pool.length > 0) {
    let bestIndex = 0;
    let bestValue = Number.NEGATIVE_INFINITY;
    pool.forEach((unit, i) => {
      const redundancy = Math.max(0, ...picked.map((other) => similarity(unit, other)));
      const value = LAMBDA * (unit.score / top) - (1 - LAMBDA) * redundancy;
      if (value > bestValue) {
        bestValue = value;
        bestIndex = i;
      }
    });
    picked.push(...pool.splice(bestIndex, 1));
  }
  return picked.map((unit) => unit.excerpt);
}

/** Shared terms over all terms (Jaccard); units of one passage count as more alike. */
function similarity(a: Unit, b: Unit): number {
  let shared = 0;
  for (const term of a.terms) if (b.terms.has(term)) shared++;
  const jaccard = shared / (a.terms.size + b.terms.size - shared);
  return a.passage === b.passage ? Math.min(1, jaccard + 0.3) : jaccard;
}

const SENTENCE_END = /(?<=[.!?])\s+(?=[\p{Lu}\p{Lo}`"'“(\[*_])|(?<=[。！？])/u;
const NOT_PROSE = /^\s*(?:#{1,6}\s|[|]|```|~~~|<!--|-{3,}\s*$|={3,}\s*$|\[[^\]]*\]:)/;
const LIST_ITEM = /^\s*(?:[-*+]|\d+[.)])\s+/;

/** The sentences of a prose passage and the lines of a code passage, each with the lines it spans. */
export function unitsOf(finding: Finding): AnswerExcerpt[] {
  const lines = finding.quote.split('\n');
  const first = finding.source.startLine;
  const code = languageForPath(finding.source.path) !== undefined;
  const units: AnswerExcerpt[] = [];
  const ref = (start: number, end: number): SourceRef => ({ ...finding.source, startLine: first + start, endLine: first + end });
  if (code) {
    lines.forEach((line, i) => {
      const text = line.trim();
      // A comment is words: quoted as prose, without its markers (still a verbatim span of the line).
      const words = COMMENT_LINE.test(text) ? text.replace(COMMENT_MARKER, '').replace(/\s*\*\/$/, '') : undefined;
      if (words !== undefined && words.length >= 12 && readsAsProse(words)) units.push({ source: ref(i, i), quote: words, code: false });
      else if (text.length >= 12) units.push({ source: ref(i, i), quote: text, code: true });
    });
    return units;
  }
  // A passage cut from the middle of a code block starts with its code, not with prose.
  let inFence = startsInsideFence(lines);
  let paragraph: number[] = [];
  const flush = () => {
    if (paragraph.length > 0) units.push(...sentencesOf(lines, paragraph, ref));
    paragraph = [];
  };
  lines.forEach((line, i) => {
    if (/^\s*(```|~~~)/.test(line)) {
      flush();
      inFence = !inFence;
      return;
    }
    if (inFence) {
      if (line.trim().length >= 12) units.push({ source: ref(i, i), quote: line.trim(), code: true });
      return;
    }
    if (line.trim() === '' || NOT_PROSE.test(line)) return flush();
    // A list item is a unit of its own, as a sentence would be.
    if (LIST_ITEM.test(line)) flush();
    paragraph.push(i);
  });
  flush();
  return units;
}

/** Splits a paragraph (consecutive line indexes) into sentences, each a verbatim span of its lines. */
function sentencesOf(lines: readonly string[], paragraph: readonly number[], ref: (start: number, end: number) => SourceRef): AnswerExcerpt[] {
  const start = paragraph[0];
  const text = lines.slice(start, paragraph[paragraph.length - 1] + 1).join('\n');
  const units: AnswerExcerpt[] = [];
  let offset = 0;
  for (const sentence of text.split(SENTENCE_END).flatMap(splitAtTitleLines)) {
    const at = text.indexOf(sentence, offset);
    offset = at + sentence.length;
    const quote = sentence.trim().replace(LIST_ITEM, '');
    if (quote.length < 12 || !readsAsProse(quote)) continue;
    const quoteAt = text.indexOf(quote, at);
    const firstLine = start + countNewlines(text.slice(0, quoteAt));
    const lastLine = firstLine + countNewlines(quote);
    units.push({ source: ref(firstLine, lastLine), quote, code: false });
  }
  return units;
}

const CODE_STATEMENT = /^\s*(?:const|let|var|import|export|return|await)\s|[;{]\s*$|\)\s*;|=>\s*[{(]|\}\)/;

/**
 * Whether a sentence is words rather than code or markup that a passage cut through (the inside of a
 * fence whose opening line is in another passage, a run of brackets): mostly letters and spaces.
 */
function readsAsProse(text: string): boolean {
  if (/^\s*(?:\/\/|\/\*|[{}()[\];])/.test(text)) return false;
  // Code outside a fence (the fence opened in an earlier passage): a statement, not a sentence.
  if (CODE_STATEMENT.test(text.replace(/`[^`]*`/g, ''))) return false;
  const visible = text.replace(/\s+/g, '');
  const letters = visible.replace(/[^\p{L}]/gu, '');
  return letters.length >= 0.7 * visible.length;
}

/**
 * Plain text often puts one sentence or a title per line with no full stop ("Tides" over "The spring
 * tides…"): a line break before a capital is a boundary when the line before ends with no punctuation
 * and no word that would carry on the sentence.
 */
function splitAtTitleLines(sentence: string): string[] {
  return sentence.split(/(?<=[\p{L}\p{N}])(?<!\b(?:the|a|an|of|to|and|or|in|on|for|with|by|from|as|at|is|are|be)) *\n(?=\p{Lu})/u);
}

function countNewlines(text: string): number {
  let n = 0;
  for (const c of text) if (c === '\n') n++;
  return n;
}
