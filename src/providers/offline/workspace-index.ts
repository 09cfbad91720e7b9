import { realpath } from 'node:fs/promises';
import { errorMessage } from '../../core/errors';
import { updateCorpus, type CorpusChanges, type CorpusState } from './corpus-update';
import { DEFAULT_INDEX_BUDGET } from './index-budget';
import { indexCacheFile, readIndexCache, writeIndexCache, type CacheKey } from './index-cache';
import { SharedBuild, type ProgressListener } from './shared-build';
import { prefetchStamps } from './stamp-prefetch';
import type { FileStamp } from './text-file';
import type { Corpus, CorpusOptions } from './workspace-corpus';

export interface WorkspaceIndexOptions extends CorpusOptions {
  /** Where the index cache of this folder is kept between processes (indexCacheDir); none: no cache. */
  cacheDir?: string;
  /**
   * 'every-update' (default: a CLI process makes one update, which the next process starts from), or
   * 'first-update': a long-lived index (the extension's, which a watcher keeps current) saves at most
   * once, not after each run's few changes: a save serializes the whole index.
   */
  cacheWrites?: 'every-update' | 'first-update';
}

/**
 * A folder's corpus kept up to date: the first `get` loads the index cache (if any) and updates it
 * by size and mtime; later ones update only what `markChanged` reported (a file-system watcher in VS
 * Code) or, after `markAllChanged`, compare every file again. Updates are one at a time; callers that
 * ask meanwhile share the one under way (SharedBuild).
 */
/** Names the walk never enters: a prefetch into them would only waste its time. */
function prefetchSkips(outputFolder: string): string[] {
  const skips = ['.git', 'node_modules'];
  // A bare output folder name is skipped at any depth; a path is left to the walk.
  if (outputFolder !== '' && !/[\\/]/.test(outputFolder)) skips.push(outputFolder);
  return skips;
}

export class WorkspaceIndex {
  private state?: CorpusState;
  /** What changed since `state`: everything until the first update. */
  private pending: 'stat-all' | Set<string> = 'stat-all';
  private build?: SharedBuild<Corpus>;
  /** The update under way, so that the next one starts from its result. */
  private running: Promise<unknown> = Promise.resolve();
  private disposed = false;
  private saved = false;

  constructor(private readonly options: WorkspaceIndexOptions) {}

  /** Paths relative to the root, `/` separators, created, changed or deleted since the last update. */
  markChanged(paths: Iterable<string>): void {
    if (this.pending === 'stat-all') return;
    for (const path of paths) this.pending.add(path);
    if (this.pending.size > 0) this.build = undefined;
  }

  /** Something changed that a path cannot say (a .gitignore, a folder renamed): compare every file. */
  markAllChanged(): void {
    this.pending = 'stat-all';
    this.build = undefined;
  }

  /** The corpus as the folder is now (as far as the watcher or the stamps tell). */
  async get(signal: AbortSignal, progress: ProgressListener): Promise<Corpus> {
    if (this.disposed) throw new Error('the workspace index was disposed');
    if (this.state && this.pending !== 'stat-all' && this.pending.size === 0) return this.state;
    this.build ??= new SharedBuild((buildSignal, buildProgress) => this.update(buildSignal, buildProgress));
    return this.build.get(signal, progress);
  }

  dispose(): void {
    this.disposed = true;
    this.build?.reset();
    this.build = undefined;
    this.state = undefined;
  }

  private async update(signal: AbortSignal, progress: ProgressListener): Promise<Corpus> {
    const before = this.running;
    let done!: () => void;
    this.running = new Promise<void>((resolve) => (done = resolve));
    try {
      await before.catch(() => undefined);
      signal.throwIfAborted();
      const changes = this.takePending();
      try {
        return await this.apply(changes, signal, progress);
      } catch (error) {
        this.restorePending(changes);
        throw error;
      }
    } finally {
      done();
    }
  }

  private async apply(changes: CorpusChanges, signal: AbortSignal, progress: ProgressListener): Promise<Corpus> {
    // A root that cannot be resolved has no cache; updateCorpus then says what is wrong with it.
    const cache = this.options.cacheDir === undefined ? undefined : await this.cacheLocation().catch(() => undefined);
    let previous = this.state;
    let prefetched: Promise<Map<string, FileStamp> | undefined> | undefined;
    if (!previous && cache) {
      // Stamps taken on another thread while this one loads the cache (stamp-prefetch.ts).
      if (changes === 'stat-all') prefetched = prefetchStamps(this.options.root, { skip: prefetchSkips(this.options.outputFolder), maxEntries: this.options.maxFiles });
      progress('Loading the index from the cache');
      const read = await readIndexCache(cache.file, cache.key);
      if ('state' in read) {
        previous = read.state;
        progress(`Loaded the index of ${read.state.stats.textFiles} files from the cache`);
      } else if ('rejected' in read) {
        progress(`The index cache was not used (${read.rejected}): reading the workspace afresh`);
      }
    }
    const update = await updateCorpus(this.options, previous, changes, signal, progress, previous ? await prefetched : undefined);
    this.state = update.state;
    const mayWrite = this.options.cacheWrites !== 'first-update' || !this.saved;
    if (cache && mayWrite && (update.changedFiles > 0 || previous === undefined)) {
      this.saved = true;
      progress('Saving the index cache');
      // A cache not written is only a slower next start; the research goes on.
      await writeIndexCache(cache.file, update.state, cache.key).catch((error: unknown) => progress(`The index cache was not saved: ${errorMessage(error)}`));
    }
    return update.state;
  }

  private async cacheLocation(): Promise<{ file: string; key: CacheKey }> {
    const realRoot = await realpath(this.options.root);
    const { maxFileBytes, maxFiles, outputFolder } = this.options;
    const key: CacheKey = { realRoot, maxFileBytes, maxFiles, outputFolder, budget: { ...(this.options.budget ?? DEFAULT_INDEX_BUDGET) } };
    return { file: indexCacheFile(this.options.cacheDir!, realRoot), key };
  }

  private takePending(): CorpusChanges {
    const changes = this.pending;
    this.pending = new Set();
    return changes;
  }

  /** An update that failed or was aborted changed nothing: what it was to apply is still to do. */
  private restorePending(changes: CorpusChanges): void {
    if (changes === 'stat-all') this.pending = 'stat-all';
    else this.markChanged(changes);
  }
}
