/**
 * A folder built to exhaust the offline index: every word is random, so nearly every word is a new
 * term. Issue 13: 100 files × 1 MB of such words ran the CLI out of memory. Seeded, so the same
 * arguments always write the same files.
 *
 *   npx tsx test/support/hostile-folder.ts <dir> [files] [bytesPerFile] [wordsPerLine] [linesPerParagraph] [vocabulary]
 *
 * writes `files` files (default 100) of about `bytesPerFile` bytes each (default 1,000,000, just
 * under the 1 MiB size cap, so each one is read). The 2,000-small-files variant: `<dir> 2000 50000`;
 * a passage of every word: `<dir> 100 1000000 1 1`; words from a vocabulary of 250,000: `<dir> 100 1000000 10 5 250000`.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { mulberry32, randomInt } from './rng';

export interface HostileFolderOptions {
  files: number;
  bytesPerFile: number;
  seed?: number;
  /** Default 10 and 5. One word in a paragraph of one line makes a passage of every word. */
  wordsPerLine?: number;
  linesPerParagraph?: number;
  /**
   * Draw the words from this many random words instead of making each one new: every passage then
   * holds terms the index already has, the most postings its term limit lets through.
   */
  vocabulary?: number;
}

const LETTERS = 'abcdefghijklmnopqrstuvwxyz';

/** A random lower-case word of 6–12 letters: with 26^6 or more choices, almost never repeated. */
function randomWord(random: () => number): string {
  let word = '';
  for (let i = randomInt(random, 6, 12); i > 0; i--) word += LETTERS[Math.floor(random() * 26)];
  return word;
}

/** About `bytes` bytes of paragraphs (by default five lines of ten random words), ending in a newline. */
export function hostileText(random: () => number, bytes: number, wordsPerLine = 10, linesPerParagraph = 5, vocabulary?: readonly string[]): string {
  const parts: string[] = [];
  let size = 0;
  while (size < bytes) {
    for (let line = 0; line < linesPerParagraph && size < bytes; line++) {
      const words: string[] = [];
      for (let w = 0; w < wordsPerLine; w++) words.push(vocabulary ? vocabulary[Math.floor(random() * vocabulary.length)]! : randomWord(random));
      const text = `${words.join(' ')}\n`;
      parts.push(text);
      size += text.length;
    }
    parts.push('\n');
    size += 1;
  }
  return parts.join('');
}

/** Writes the folder (`dir` is created if needed) and returns the total bytes written. */
export function writeHostileFolder(dir: string, options: HostileFolderOptions): number {
  const random = mulberry32(options.seed ?? 13);
  mkdirSync(dir, { recursive: true });
  let total = 0;
  const width = String(options.files - 1).length;
  const vocabulary = options.vocabulary ? Array.from({ length: options.vocabulary }, () => randomWord(random)) : undefined;
  for (let i = 0; i < options.files; i++) {
    const text = hostileText(random, options.bytesPerFile, options.wordsPerLine, options.linesPerParagraph, vocabulary);
    writeFileSync(path.join(dir, `words-${String(i).padStart(width, '0')}.txt`), text);
    total += text.length;
  }
  return total;
}

if (require.main === module) {
  const [dir, files = '100', bytesPerFile = '1000000', wordsPerLine = '10', linesPerParagraph = '5', vocabulary] = process.argv.slice(2);
  if (!dir) {
    console.error('usage: npx tsx test/support/hostile-folder.ts <dir> [files] [bytesPerFile]');
    process.exit(2);
  }
  const total = writeHostileFolder(dir, {
    files: Number(files),
    bytesPerFile: Number(bytesPerFile),
    wordsPerLine: Number(wordsPerLine),
    linesPerParagraph: Number(linesPerParagraph),
    vocabulary: vocabulary === undefined ? undefined : Number(vocabulary),
  });
  console.log(`${dir}: ${files} files, ${(total / 1024 / 1024).toFixed(1)} MiB`);
}
