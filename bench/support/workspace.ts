/**
 * A synthetic workspace for the offline-research benchmark: seeded Markdown notes and TypeScript-like
 * sources built from a fixed vocabulary, so that searches find many plausible passages and the same
 * seed always writes the same files.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import { mulberry32, randomInt } from '../../test/support/rng';

const NOUNS = (
  'scheduler dispatcher task queue worker request response retry backoff timeout cancel signal ' +
  'report citation source passage index search query result plan graph dependency level priority ' +
  'limit concurrency slot endpoint server client token budget cost journal event state transition ' +
  'error failure recovery cache file folder workspace module function parameter value record ' +
  'market ferry harbour weather forecast schedule route passenger ticket price season island ' +
  'battery sensor reading sample threshold alert operator shift maintenance inspection vendor'
).split(' ');
const VERBS = (
  'handles retries cancels schedules records returns reads writes checks limits orders releases ' +
  'waits starts stops measures indexes ranks quotes explains compares validates merges splits ' +
  'delays repairs inspects forecasts books prices routes reports logs'
).split(' ');
const ADJECTIVES = (
  'ready pending failed completed slow fast stale fresh partial remote local shared primary ' +
  'secondary nightly weekly critical optional noisy quiet large small expensive cheap'
).split(' ');
const LINKS = 'because when while after before unless so that and but although'.split(' ');

function pick<T>(random: () => number, list: readonly T[]): T {
  return list[Math.floor(random() * list.length)]!;
}

function sentence(random: () => number): string {
  const clause = () => `the ${pick(random, ADJECTIVES)} ${pick(random, NOUNS)} ${pick(random, VERBS)} the ${pick(random, NOUNS)}`;
  const text = random() < 0.5 ? clause() : `${clause()} ${pick(random, LINKS)} ${clause()}`;
  return `${text[0]!.toUpperCase()}${text.slice(1)}.`;
}

function markdownFile(random: () => number, title: string): string {
  const lines = [`# ${title}`, ''];
  const sections = randomInt(random, 2, 5);
  for (let s = 0; s < sections; s++) {
    lines.push(`## ${pick(random, ADJECTIVES)} ${pick(random, NOUNS)}`, '');
    const paragraphs = randomInt(random, 1, 3);
    for (let p = 0; p < paragraphs; p++) {
      lines.push(Array.from({ length: randomInt(random, 2, 5) }, () => sentence(random)).join(' '), '');
    }
    if (random() < 0.3) lines.push(...Array.from({ length: 3 }, () => `- ${sentence(random)}`), '');
  }
  return lines.join('\n');
}

function sourceFile(random: () => number): string {
  const lines: string[] = [`import { ${pick(random, NOUNS)}Of } from './${pick(random, NOUNS)}';`, ''];
  const functions = randomInt(random, 2, 6);
  for (let f = 0; f < functions; f++) {
    const name = `${pick(random, VERBS).replace(/s$/, '')}${capitalize(pick(random, NOUNS))}`;
    lines.push(`/** ${sentence(random)} */`);
    lines.push(`export function ${name}(${pick(random, NOUNS)}: number, ${pick(random, NOUNS)}Limit = ${randomInt(random, 1, 64)}): number {`);
    const body = randomInt(random, 2, 8);
    for (let b = 0; b < body; b++) {
      lines.push(random() < 0.3 ? `  // ${sentence(random)}` : `  const ${pick(random, NOUNS)}${b} = ${pick(random, NOUNS)}Of(${randomInt(random, 0, 999)});`);
    }
    lines.push(`  return ${randomInt(random, 0, 100)};`, '}', '');
  }
  return lines.join('\n');
}

function capitalize(word: string): string {
  return `${word[0]!.toUpperCase()}${word.slice(1)}`;
}

/** Writes `files` files under `root` (about 100 per folder); returns their total size in bytes. */
export async function writeWorkspace(root: string, files: number, seed: number): Promise<number> {
  const random = mulberry32(seed);
  let bytes = 0;
  for (let i = 0; i < files; i++) {
    const folder = path.join(root, i % 3 === 0 ? 'src' : i % 3 === 1 ? 'docs' : 'notes', `part-${Math.floor(i / 300)}`);
    if (i % 300 < 3) await mkdir(folder, { recursive: true });
    const isSource = i % 3 === 0;
    const text = isSource ? sourceFile(random) : markdownFile(random, `${capitalize(pick(random, NOUNS))} ${pick(random, NOUNS)} notes ${i}`);
    bytes += Buffer.byteLength(text);
    await writeFile(path.join(folder, `${isSource ? 'module' : 'note'}-${i}.${isSource ? 'ts' : 'md'}`), text, 'utf8');
  }
  return bytes;
}
