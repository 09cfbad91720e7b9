import { createHash, randomBytes } from 'node:crypto';
import { chmod, mkdir, readFile, rename, stat, unlink, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { dirname, isAbsolute, join } from 'node:path';
import { deserialize, serialize } from 'node:v8';
import { version as PACKAGE_VERSION } from '../../../package.json';
import type { CorpusState, FileRecord } from './corpus-update';
import type { IndexBudget } from './index-budget';
import type { PackedIndex } from './packed-index';
import { encodeExtras, extrasReader, isStoredExtras, type StoredExtras } from './passage-extras';
import { PassageIndex } from './passage-index';
import type { Passage } from './passages';
import type { CorpusStats } from './workspace-corpus';

/**
 * The index cache: a corpus saved between CLI processes, so that a second question over a large
 * folder reads only what changed. It lives in the user's cache folder, never in the folder researched:
 * that folder's files are not trusted, and a planted index could put words in the report's quotes.
 *
 * Bump INDEX_FORMAT whenever what a file's passages or terms are changes (the splitter, the
 * tokenizer, the index's fields) or this file's layout does: a cache of another format is ignored and
 * the folder read afresh. The package version is checked too, so a release never reads an older one.
 */
export const INDEX_FORMAT = 7;

/** Overrides where caches are kept (tests point it at a temporary folder). */
export const INDEX_CACHE_DIR_ENV = 'RESEARCH_CACHE_DIR';
/** `1` turns the cache off, as `--no-index-cache` does. */
export const NO_INDEX_CACHE_ENV = 'RESEARCH_NO_INDEX_CACHE';

const CACHE_FILE = 'corpus.bin';

/**
 * The folder that holds the caches: RESEARCH_CACHE_DIR, else `research-dispatcher/index` in the
 * user's cache folder ($XDG_CACHE_HOME or ~/.cache, ~/Library/Caches on macOS, %LOCALAPPDATA% on
 * Windows). Undefined when RESEARCH_NO_INDEX_CACHE=1.
 */
export function indexCacheDir(
  env: Readonly<Record<string, string | undefined>>,
  platform: NodeJS.Platform = process.platform,
  home: string = homedir(),
): string | undefined {
  if (env[NO_INDEX_CACHE_ENV] === '1') return undefined;
  const override = env[INDEX_CACHE_DIR_ENV];
  if (override && override.trim() !== '') return override;
  return join(userCacheDir(env, platform, home), 'research-dispatcher', 'index');
}

function userCacheDir(env: Readonly<Record<string, string | undefined>>, platform: NodeJS.Platform, home: string): string {
  if (platform === 'darwin') return join(home, 'Library', 'Caches');
  if (platform === 'win32') return env.LOCALAPPDATA || join(home, 'AppData', 'Local');
  // The XDG spec says a relative value is invalid and must be ignored.
  const xdg = env.XDG_CACHE_HOME;
  return xdg && isAbsolute(xdg) ? xdg : join(home, '.cache');
}

/** The cache file of a folder, named by a hash of its real path (so a link or a `..` finds the same one). */
export function indexCacheFile(cacheDir: string, realRoot: string): string {
  return join(cacheDir, createHash('sha256').update(realRoot).digest('hex'), CACHE_FILE);
}

/** What else decides a corpus's content: a cache made with other limits is not this folder's index. */
export interface CacheKey {
  realRoot: string;
  maxFileBytes: number;
  maxFiles: number;
  outputFolder: string;
  budget: IndexBudget;
}

type StoredFile = [path: string, kind: 'text' | 'binary', size: number, mtimeMs: number, firstId: number, bytes: number, cutAtFileLimit: 0 | 1, overlongLines: number, passages: number];

/**
 * The passages of all files, in the order of `files`, as columns: V8 deserializes one long string
 * and three typed arrays far faster than 77,000 small objects (0.4 s for the benchmark folder).
 * Fields beyond the four every passage has are columns too (passage-extras.ts).
 */
interface StoredPassages {
  startLines: Uint32Array;
  endLines: Uint32Array;
  /** Passage i's text is texts.slice(textEnds[i - 1] ?? 0, textEnds[i]). */
  textEnds: Uint32Array;
  texts: string;
  extras: StoredExtras;
}

interface CacheContent {
  format: number;
  version: string;
  key: string;
  stats: CorpusStats;
  nextId: number;
  files: StoredFile[];
  passages: StoredPassages;
  search: PackedIndex;
}

function keyString(key: CacheKey): string {
  return JSON.stringify([key.realRoot, key.maxFileBytes, key.maxFiles, key.outputFolder, key.budget]);
}

/**
 * The cache's content: passages grouped by file, each whole but for its path (new optional fields
 * survive), and the packed index. In V8's serialization format rather than JSON: typed arrays go in
 * and out as bytes, and it parses the passages in half JSON's time. It makes data only, never code.
 */
export function serializeCorpus(state: CorpusState, key: CacheKey): Buffer {
  const files: StoredFile[] = [];
  const all: Passage[] = [];
  for (const [path, record] of state.files) {
    for (let id = record.firstId; id < record.firstId + record.count; id++) all.push(state.index.passage(id)!);
    files.push([path, record.kind, record.size, record.mtimeMs, record.firstId, record.bytes, record.cutAtFileLimit ? 1 : 0, record.overlongLines, record.count]);
  }
  const passages: StoredPassages = {
    startLines: Uint32Array.from(all, (p) => p.startLine),
    endLines: Uint32Array.from(all, (p) => p.endLine),
    textEnds: new Uint32Array(all.length),
    texts: '',
    extras: encodeExtras(all),
  };
  const texts: string[] = [];
  let end = 0;
  all.forEach(({ text }, i) => {
    texts.push(text);
    end += text.length;
    passages.textEnds[i] = end;
  });
  passages.texts = texts.join('');
  const content: CacheContent = {
    format: INDEX_FORMAT,
    version: PACKAGE_VERSION,
    key: keyString(key),
    stats: state.stats,
    nextId: state.index.nextId,
    files,
    passages,
    search: state.index.packed(),
  };
  return serialize(content);
}

/** Why a cache was not used; shown as a progress line, the folder is then read afresh. */
export class CacheRejected extends Error {}

/**
 * The corpus from a cache's text, checked: another format, version or key, or anything malformed,
 * throws CacheRejected (or whatever MiniSearch throws for an index it cannot load).
 */
export function deserializeCorpus(bytes: Uint8Array, key: CacheKey): CorpusState {
  const content = deserialize(bytes) as Partial<CacheContent> | null;
  if (typeof content !== 'object' || content === null) throw new CacheRejected('not an index cache');
  if (content.format !== INDEX_FORMAT || content.version !== PACKAGE_VERSION) throw new CacheRejected('made by another version');
  if (content.key !== keyString(key)) throw new CacheRejected('made for other settings');
  const { stats, nextId, files, passages: stored, search } = content;
  if (!isObject(stats) || !isPackedIndex(search) || !isStoredPassages(stored) || !Array.isArray(files) || !Number.isSafeInteger(nextId) || nextId! < 0) {
    throw new CacheRejected('malformed');
  }
  const extraOf = extrasReader(stored.extras);
  const passages: (Passage | undefined)[] = new Array(nextId);
  const records = new Map<string, FileRecord>();
  let n = 0;
  for (const file of files) {
    const record = fileRecord(file, nextId!);
    const path = file[0];
    if (n + record.count > stored.startLines.length) throw new CacheRejected('passages missing');
    for (let i = 0; i < record.count; i++, n++) {
      const text = stored.texts.slice(n === 0 ? 0 : stored.textEnds[n - 1], stored.textEnds[n]);
      if (passages[record.firstId + i] !== undefined) throw new CacheRejected('two files claim one passage');
      const extra = extraOf(n);
      passages[record.firstId + i] = extra ? { ...extra, path, startLine: stored.startLines[n]!, endLine: stored.endLines[n]!, text } : { path, startLine: stored.startLines[n]!, endLine: stored.endLines[n]!, text };
    }
    records.set(path, record);
  }
  if (n !== stored.startLines.length || n !== stats!.passages) throw new CacheRejected('passages missing');
  const index = new PassageIndex({ restore: { search, passages } });
  // Every passage must be in the index and nothing else: else a search could return a hole.
  if (index.size !== n) throw new CacheRejected('index and passages differ');
  return { index, files: records, stats: stats as CorpusStats };
}

function isStoredPassages(value: unknown): value is StoredPassages {
  if (!isObject(value) || typeof value.texts !== 'string') return false;
  const { startLines, endLines, textEnds } = value;
  if (!(startLines instanceof Uint32Array && endLines instanceof Uint32Array && textEnds instanceof Uint32Array)) return false;
  if (endLines.length !== startLines.length || textEnds.length !== startLines.length) return false;
  for (let i = 0; i < textEnds.length; i++) if (textEnds[i]! < (i === 0 ? 0 : textEnds[i - 1]!)) return false;
  if (textEnds.length > 0 && textEnds[textEnds.length - 1] !== value.texts.length) return false;
  return isStoredExtras(value.extras, startLines.length);
}

function fileRecord(file: unknown, nextId: number): FileRecord {
  if (!Array.isArray(file) || file.length !== 9) throw new CacheRejected('malformed file entry');
  const [path, kind, size, mtimeMs, firstId, bytes, cut, overlongLines, count] = file as unknown[];
  const ok =
    typeof path === 'string' && (kind === 'text' || kind === 'binary') && typeof size === 'number' && typeof mtimeMs === 'number' &&
    Number.isSafeInteger(firstId) && Number.isSafeInteger(bytes) && (cut === 0 || cut === 1) && Number.isSafeInteger(overlongLines) && Number.isSafeInteger(count) &&
    (firstId as number) >= 0 && (count as number) >= 0 && (firstId as number) + (count as number) <= nextId;
  if (!ok) throw new CacheRejected('malformed file entry');
  return { kind, size, mtimeMs, firstId: firstId as number, count: count as number, bytes: bytes as number, cutAtFileLimit: cut === 1, overlongLines: overlongLines as number };
}

function isPackedIndex(value: unknown): value is PackedIndex {
  if (!isObject(value) || !isObject(value.header) || !Array.isArray(value.terms) || !isObject(value.documents)) return false;
  const { shortIds, ids, fieldLengths, fieldCount } = value.documents;
  if (!(shortIds instanceof Uint32Array && ids instanceof Uint32Array && fieldLengths instanceof Uint32Array) || ids.length !== shortIds.length) return false;
  if (!Number.isSafeInteger(fieldCount) || fieldLengths.length !== shortIds.length * (fieldCount as number)) return false;
  const { lists, docs, freqs } = value;
  if (!(lists instanceof Uint32Array && docs instanceof Uint32Array && freqs instanceof Uint32Array) || docs.length !== freqs.length || lists.length % 4 !== 0) return false;
  // Every list must lie inside the postings and name a term: else a search would read garbage.
  for (let i = 0; i < lists.length; i += 4) {
    if (lists[i]! >= value.terms.length || lists[i + 2]! > lists[i + 3]! || lists[i + 3]! > docs.length) return false;
  }
  return value.terms.every((term) => typeof term === 'string');
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export type CacheRead = { state: CorpusState } | { missing: true } | { rejected: string };

/** Reads a cache file. Never throws: a cache that cannot be used is only a slower start. */
export async function readIndexCache(file: string, key: CacheKey): Promise<CacheRead> {
  let bytes: Buffer;
  try {
    // Someone else's file in our cache folder (a shared or misconfigured home) is not trusted either.
    const info = await stat(file);
    if (process.getuid && info.uid !== process.getuid()) return { rejected: 'owned by another user' };
    bytes = await readFile(file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { missing: true };
    return { rejected: 'unreadable' };
  }
  try {
    return { state: deserializeCorpus(bytes, key) };
  } catch (error) {
    return { rejected: error instanceof CacheRejected ? error.message : 'malformed' };
  }
}

/**
 * Writes a cache file atomically (a temporary file renamed over it, so a reader never sees half of
 * one and two processes do not mix theirs), readable by the user only: passages quote private files.
 */
export async function writeIndexCache(file: string, state: CorpusState, key: CacheKey): Promise<void> {
  const dir = dirname(file);
  await mkdir(dir, { recursive: true, mode: 0o700 });
  // mkdir's mode applies only to folders it creates; the folder of this cache must be private anyway.
  await chmod(dir, 0o700);
  const temp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  try {
    await writeFile(temp, serializeCorpus(state, key), { mode: 0o600, flag: 'wx' });
    await rename(temp, file);
  } catch (error) {
    await unlink(temp).catch(() => undefined);
    throw error;
  }
}
