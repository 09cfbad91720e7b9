import { createHash, randomBytes } from 'node:crypto';
import { chmod, mkdir, readFile, rename, stat, unlink, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { dirname, isAbsolute, join } from 'node:path';
import { version as PACKAGE_VERSION } from '../../../package.json';
import type { CorpusState, FileRecord } from './corpus-update';
import type { IndexBudget } from './index-budget';
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
export const INDEX_FORMAT = 1;

/** Overrides where caches are kept (tests point it at a temporary folder). */
export const INDEX_CACHE_DIR_ENV = 'RESEARCH_CACHE_DIR';
/** `1` turns the cache off, as `--no-index-cache` does. */
export const NO_INDEX_CACHE_ENV = 'RESEARCH_NO_INDEX_CACHE';

const CACHE_FILE = 'corpus.json';

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

/** A passage as the cache keeps it: without its path, which its file's entry holds once. */
type StoredPassage = Omit<Passage, 'path'>;
type StoredFile = [path: string, kind: 'text' | 'binary', size: number, mtimeMs: number, firstId: number, bytes: number, cutAtFileLimit: 0 | 1, overlongLines: number, passages: StoredPassage[]];

interface CacheContent {
  format: number;
  version: string;
  key: string;
  stats: CorpusStats;
  nextId: number;
  files: StoredFile[];
  search: ReturnType<PassageIndex['serialize']>['search'];
}

function keyString(key: CacheKey): string {
  return JSON.stringify([key.realRoot, key.maxFileBytes, key.maxFiles, key.outputFolder, key.budget]);
}

/** The cache's text: passages grouped by file, each whole but for its path (new optional fields survive). */
export function serializeCorpus(state: CorpusState, key: CacheKey): string {
  const files: StoredFile[] = [];
  for (const [path, record] of state.files) {
    const passages: StoredPassage[] = [];
    for (let id = record.firstId; id < record.firstId + record.count; id++) {
      const { path: _path, ...rest } = state.index.passage(id)!;
      passages.push(rest);
    }
    files.push([path, record.kind, record.size, record.mtimeMs, record.firstId, record.bytes, record.cutAtFileLimit ? 1 : 0, record.overlongLines, passages]);
  }
  const content: CacheContent = {
    format: INDEX_FORMAT,
    version: PACKAGE_VERSION,
    key: keyString(key),
    stats: state.stats,
    nextId: state.index.nextId,
    files,
    search: state.index.serialize().search,
  };
  return JSON.stringify(content);
}

/** Why a cache was not used; shown as a progress line, the folder is then read afresh. */
export class CacheRejected extends Error {}

/**
 * The corpus from a cache's text, checked: another format, version or key, or anything malformed,
 * throws CacheRejected (or whatever MiniSearch throws for an index it cannot load).
 */
export function deserializeCorpus(text: string, key: CacheKey): CorpusState {
  const content = JSON.parse(text) as Partial<CacheContent> | null;
  if (typeof content !== 'object' || content === null) throw new CacheRejected('not an index cache');
  if (content.format !== INDEX_FORMAT || content.version !== PACKAGE_VERSION) throw new CacheRejected('made by another version');
  if (content.key !== keyString(key)) throw new CacheRejected('made for other settings');
  const { stats, nextId, files, search } = content;
  if (!isObject(stats) || !isObject(search) || !Array.isArray(files) || !Number.isSafeInteger(nextId) || nextId! < 0) throw new CacheRejected('malformed');
  const passages: (Passage | undefined)[] = new Array(nextId);
  const records = new Map<string, FileRecord>();
  let live = 0;
  for (const file of files) {
    const record = fileRecord(file, nextId!);
    const [path, , , , , , , , stored] = file;
    stored.forEach((passage, i) => {
      if (!isObject(passage) || typeof passage.text !== 'string' || !Number.isSafeInteger(passage.startLine) || !Number.isSafeInteger(passage.endLine)) {
        throw new CacheRejected('malformed passage');
      }
      passages[record.firstId + i] = { ...passage, path };
    });
    live += record.count;
    records.set(path, record);
  }
  if (live !== stats!.passages) throw new CacheRejected('passages missing');
  const index = new PassageIndex({ restore: { search, passages } });
  // Every passage must be in the index and nothing else: else a search could return a hole.
  if (index.size !== live) throw new CacheRejected('index and passages differ');
  return { index, files: records, stats: stats as CorpusStats };
}

function fileRecord(file: unknown, nextId: number): FileRecord {
  if (!Array.isArray(file) || file.length !== 9) throw new CacheRejected('malformed file entry');
  const [path, kind, size, mtimeMs, firstId, bytes, cut, overlongLines, passages] = file as unknown[];
  const ok =
    typeof path === 'string' && (kind === 'text' || kind === 'binary') && typeof size === 'number' && typeof mtimeMs === 'number' &&
    Number.isSafeInteger(firstId) && Number.isSafeInteger(bytes) && (cut === 0 || cut === 1) && Number.isSafeInteger(overlongLines) && Array.isArray(passages) &&
    (firstId as number) >= 0 && (firstId as number) + passages.length <= nextId;
  if (!ok) throw new CacheRejected('malformed file entry');
  return { kind, size, mtimeMs, firstId: firstId as number, count: (passages as unknown[]).length, bytes: bytes as number, cutAtFileLimit: cut === 1, overlongLines: overlongLines as number };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export type CacheRead = { state: CorpusState } | { missing: true } | { rejected: string };

/** Reads a cache file. Never throws: a cache that cannot be used is only a slower start. */
export async function readIndexCache(file: string, key: CacheKey): Promise<CacheRead> {
  let text: string;
  try {
    // Someone else's file in our cache folder (a shared or misconfigured home) is not trusted either.
    const info = await stat(file);
    if (process.getuid && info.uid !== process.getuid()) return { rejected: 'owned by another user' };
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { missing: true };
    return { rejected: 'unreadable' };
  }
  try {
    return { state: deserializeCorpus(text, key) };
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
