/**
 * A folder built to exhaust the offline index: every word is random, so nearly every word is a new
 * term. Issue 13: 100 files × 1 MB of such words ran the CLI out of memory. Seeded, so the same
 * arguments always write the same files.
 *
 *   npx tsx bench/support/hostile-folder.ts <dir> [files] [bytesPerFile]
 *
 * writes `files` files (default 100) of about `bytesPerFile` bytes each (default 1,000,000, just
 * under the 1 MiB size cap, so each one is read). The 2,000-small-files variant: `<dir> 2000 50000`.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { mulberry32, randomInt } from './rng';

export interface HostileFolderOptions {
  files: number;
  bytesPerFile: number;
  seed?: number;
}

const LETTERS = 'abcdefghijklmnopqrstuvwxyz';
const WORDS_PER_LINE = 10;
const LINES_PER_PARAGRAPH = 5;

/** A random lower-case word of 6–12 letters: with 26^6 or more choices, almost never repeated. */
function randomWord(random: () => number): string {
  let word = '';
  for (let i = randomInt(random, 6, 12); i > 0; i--) word += LETTERS[Math.floor(random() * 26)];
  return word;
}

/** About `bytes` bytes of paragraphs (five lines of ten random words each), ending in a newline. */
export function hostileText(random: () => number, bytes: number): string {
  const parts: string[] = [];
  let size = 0;
  while (size < bytes) {
    for (let line = 0; line < LINES_PER_PARAGRAPH && size < bytes; line++) {
      const words: string[] = [];
      for (let w = 0; w < WORDS_PER_LINE; w++) words.push(randomWord(random));
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
  for (let i = 0; i < options.files; i++) {
    const text = hostileText(random, options.bytesPerFile);
    writeFileSync(path.join(dir, `words-${String(i).padStart(width, '0')}.txt`), text);
    total += text.length;
  }
  return total;
}

if (require.main === module) {
  const [dir, files = '100', bytesPerFile = '1000000'] = process.argv.slice(2);
  if (!dir) {
    console.error('usage: npx tsx bench/support/hostile-folder.ts <dir> [files] [bytesPerFile]');
    process.exit(2);
  }
  const total = writeHostileFolder(dir, { files: Number(files), bytesPerFile: Number(bytesPerFile) });
  console.log(`${dir}: ${files} files, ${(total / 1024 / 1024).toFixed(1)} MiB`);
}
