import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import { errorMessage } from '../../core/errors';
import type { SourceRef } from '../../core/sources';
import { type FetchedPage, fetchPage, type PageFetchOptions } from './page-fetcher';
import type { SearchHit, StoredSource } from './search-backend';

/**
 * The text of every web source a run read, kept on disk beside the report
 * (`<outputFolder>/<runId>/sources/<id>.txt` plus `index.json`), so that every quote can be checked
 * against what was actually read — by the run, and later by anyone. Ids are `s1`, `s2`, … in the order
 * sources were added; a URL is stored once.
 */

export interface SourceIndexEntry {
  id: string;
  url: string;
  title: string;
  /** Milliseconds since the epoch. */
  fetchedAt: number;
  /** The text file, relative to the store's folder. */
  file: string;
}

export interface SourceIndex {
  version: 1;
  sources: SourceIndexEntry[];
}

export const INDEX_FILE = 'index.json';

/** Where a run keeps its sources: `<runDirectory>/sources`. */
export function sourcesDirectory(runDirectory: string): string {
  return path.join(runDirectory, 'sources');
}

export class SourceStore {
  private readonly sources = new Map<string, StoredSource>();
  private readonly byUrl = new Map<string, string>();
  /** Writes run one after another so index.json is never written by two at once. */
  private writes: Promise<void> = Promise.resolve();

  constructor(readonly directory: string) {}

  /** A store over a folder written earlier (an empty store when there is none yet). */
  static async open(directory: string): Promise<SourceStore> {
    const store = new SourceStore(directory);
    let index: SourceIndex;
    try {
      index = JSON.parse(await readFile(path.join(directory, INDEX_FILE), 'utf8')) as SourceIndex;
    } catch (error) {
      if ((error as { code?: string }).code === 'ENOENT') return store;
      throw new Error(`cannot read the source index in ${directory}: ${errorMessage(error)}`);
    }
    for (const entry of index.sources ?? []) {
      const text = await readFile(path.join(directory, path.basename(entry.file)), 'utf8');
      store.remember({ id: entry.id, url: entry.url, title: entry.title, fetchedAt: entry.fetchedAt, text });
    }
    return store;
  }

  get(id: string): StoredSource | undefined {
    return this.sources.get(id);
  }

  findByUrl(url: string): StoredSource | undefined {
    const id = this.byUrl.get(url);
    return id === undefined ? undefined : this.sources.get(id);
  }

  list(): StoredSource[] {
    return [...this.sources.values()];
  }

  /** The stored text file of a source. */
  textPath(id: string): string {
    return path.join(this.directory, `${safeId(id)}.txt`);
  }

  /**
   * Stores a source's text (line endings normalised to \n) and returns it with its id; a URL stored
   * before returns the earlier entry unchanged. Resolves once the text and the index are on disk.
   */
  async add(page: { url: string; title: string; text: string; fetchedAt?: number }): Promise<StoredSource> {
    const existing = this.findByUrl(page.url);
    if (existing) return existing;
    const source: StoredSource = {
      id: `s${this.sources.size + 1}`,
      url: page.url,
      title: page.title.trim() || page.url,
      text: page.text.replace(/\r\n?/g, '\n'),
      fetchedAt: page.fetchedAt ?? Date.now(),
    };
    this.remember(source);
    const write = this.writes.then(() => this.write(source));
    this.writes = write.catch(() => undefined);
    await write;
    return source;
  }

  /**
   * A citation of lines `startLine..endLine` of a stored source: `path` is the stored copy relative
   * to `root` (so the report links to the very lines that were checked), `url` the page itself.
   */
  ref(id: string, startLine: number, endLine: number, root: string): SourceRef {
    const source = this.sources.get(id);
    if (!source) throw new Error(`no stored source "${id}"`);
    const relative = path.relative(root, this.textPath(id)).split(path.sep).join('/');
    return { path: relative, startLine, endLine, url: source.url, title: source.title };
  }

  private remember(source: StoredSource): void {
    this.sources.set(source.id, source);
    this.byUrl.set(source.url, source.id);
  }

  private async write(source: StoredSource): Promise<void> {
    await mkdir(this.directory, { recursive: true });
    await writeFile(this.textPath(source.id), source.text, 'utf8');
    const index: SourceIndex = {
      version: 1,
      sources: this.list().map((s) => ({ id: s.id, url: s.url, title: s.title, fetchedAt: s.fetchedAt, file: `${safeId(s.id)}.txt` })),
    };
    const target = path.join(this.directory, INDEX_FILE);
    const temp = `${target}.${process.pid}.tmp`;
    await writeFile(temp, `${JSON.stringify(index, null, 2)}\n`, 'utf8');
    await rename(temp, target);
  }
}

function safeId(id: string): string {
  if (!/^[\w-]+$/.test(id)) throw new Error(`invalid source id "${id}"`);
  return id;
}

export interface FetchAndStoreResult {
  stored: StoredSource[];
  /** Hits whose page could not be read, with why; they are not sources and cannot be cited. */
  failed: { url: string; reason: string }[];
}

/**
 * Fetches the pages of the hits (a few at a time) and stores their text, in the order of the hits so
 * ids do not depend on which server answered first. A page that cannot be read is listed under
 * `failed` rather than failing the rest; an abort stops everything.
 */
export async function fetchAndStore(
  hits: readonly SearchHit[],
  store: SourceStore,
  options: Omit<PageFetchOptions, 'signal'> & { signal: AbortSignal; concurrency?: number },
): Promise<FetchAndStoreResult> {
  const pages: Array<FetchedPage | { failed: string } | undefined> = new Array(hits.length);
  let next = 0;
  const worker = async () => {
    for (let i = next++; i < hits.length; i = next++) {
      const hit = hits[i]!;
      if (store.findByUrl(hit.url)) continue;
      try {
        pages[i] = await fetchPage(hit.url, options);
      } catch (error) {
        if (options.signal.aborted) throw options.signal.reason;
        pages[i] = { failed: errorMessage(error) };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(options.concurrency ?? 4, hits.length)) }, worker));

  const result: FetchAndStoreResult = { stored: [], failed: [] };
  for (const [i, hit] of hits.entries()) {
    const page = pages[i];
    const known = store.findByUrl(hit.url);
    if (page === undefined && known) {
      if (!result.stored.includes(known)) result.stored.push(known);
    } else if (page === undefined || 'failed' in page) {
      result.failed.push({ url: hit.url, reason: page?.failed ?? 'not fetched' });
    } else if (page.text.trim() === '') {
      result.failed.push({ url: hit.url, reason: 'the page has no readable text' });
    } else {
      const source = await store.add({ url: page.url, title: page.title || hit.title, text: page.text });
      if (!result.stored.includes(source)) result.stored.push(source);
    }
  }
  return result;
}
