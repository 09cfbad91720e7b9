/**
 * Words of the scripts written without spaces between words (Chinese, Japanese, Thai) and of Korean,
 * found by ICU's dictionary-based word breaking through Intl.Segmenter (Node ships full ICU).
 */

/**
 * The characters of those scripts, as the inside of a regular expression class (unicode mode).
 * Script_Extensions, not Script, so that marks the scripts share count too: the Katakana prolonged
 * sound mark ー, the iteration mark 々, Thai's combining vowels.
 */
export const SEGMENTED_SCRIPTS = '\\p{scx=Han}\\p{scx=Hiragana}\\p{scx=Katakana}\\p{scx=Hangul}\\p{scx=Thai}';

const HANGUL = /\p{scx=Hangul}/u;

/**
 * One segmenter for every text. The locale is fixed, not the machine's, so that index and query are
 * cut the same way wherever they run; ICU's dictionaries for these scripts do not depend on it anyway.
 */
const segmenter = new Intl.Segmenter('en', { granularity: 'word' });

/** The words of a run of those scripts: "服务器的超时时间" → 服务 | 器 | 的 | 超 | 时 | 时间. */
export function segmentWords(run: string, terms: string[]): void {
  for (const segment of segmenter.segment(run)) if (segment.isWordLike) terms.push(segment.segment);
}

/** Whether a term is Korean: its words end in particles and endings, so a prefix can find them. */
export function isHangul(term: string): boolean {
  return HANGUL.test(term);
}
