/**
 * Words of the scripts written without spaces between words (Chinese, Japanese, Thai) and of Korean,
 * found by ICU's dictionary-based word breaking through Intl.Segmenter (Node ships full ICU).
 */

/**
 * A run of one of those scripts. Script_Extensions, not Script, so that marks the scripts share
 * count too: the Katakana prolonged sound mark ー, the iteration mark 々, Thai's combining vowels.
 */
const SEGMENTED_RUN = /[\p{scx=Han}\p{scx=Hiragana}\p{scx=Katakana}\p{scx=Hangul}\p{scx=Thai}]+/gu;
const SEGMENTED_CHAR = /[\p{scx=Han}\p{scx=Hiragana}\p{scx=Katakana}\p{scx=Hangul}\p{scx=Thai}]/u;
const HANGUL = /\p{scx=Hangul}/u;

/**
 * One segmenter for every text. The locale is fixed, not the machine's, so that index and query are
 * cut the same way wherever they run; ICU's dictionaries for these scripts do not depend on it anyway.
 */
const segmenter = new Intl.Segmenter('en', { granularity: 'word' });

/** Whether a word run holds any character of the segmented scripts (the rest take the fast path). */
export function hasSegmentedScript(word: string): boolean {
  return SEGMENTED_CHAR.test(word);
}

/** Whether a term is Korean: its words end in particles and endings, so a prefix can find them. */
export function isHangul(term: string): boolean {
  return HANGUL.test(term);
}

/**
 * Splits a word run (letters and digits, no spaces) into its segmented-script words and the pieces
 * in other scripts between them, in order: "API调用失败" → other "API", words "调", "用", "失败".
 */
export function splitSegmentedRuns(word: string, onWord: (word: string) => void, onOther: (piece: string) => void): void {
  let last = 0;
  for (const match of word.matchAll(SEGMENTED_RUN)) {
    const start = match.index ?? 0;
    if (start > last) onOther(word.slice(last, start));
    for (const segment of segmenter.segment(match[0])) if (segment.isWordLike) onWord(segment.segment);
    last = start + match[0].length;
  }
  if (last < word.length) onOther(word.slice(last));
}
