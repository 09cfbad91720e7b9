import type { Finding } from '../../core/sources';
import type { SourceLibrary, SourceText } from '../model/source-library';
import { quoteMatches } from '../offline/verify-quote';
import type { FetchLike } from './http';
import type { SearchBackend } from './search-backend';
import { fetchAndStore, SourceStore, sourcesDirectory } from './source-store';

export interface WebSourcesOptions {
  backend: SearchBackend;
  /** The run's folder (`<outputFolder>/<runId>`): pages are stored in its `sources/` folder. */
  runDir: string;
  /** The folder researched: stored copies are cited relative to it, like workspace files. */
  root: string;
  /** Read pages on loopback and private addresses too (an intranet; tests). Off by default. */
  allowPrivateAddresses?: boolean;
  fetch?: FetchLike;
}

/**
 * A SourceLibrary over a web search backend: each search's hits are fetched, cleaned and stored in
 * the run's `sources/` folder (SourceStore), and the model reads the stored text. A source's ref
 * cites the stored copy (`path`, relative to the root) and the page (`url`), so the report links to
 * both. Quotes are verified against the stored text — never against the page as it is now, which may
 * have changed or may answer differently. A resumed run opens the same store, so quotes found before
 * the interruption are verified against what was read then.
 */
export function createWebSources(options: WebSourcesOptions): SourceLibrary {
  let opened: Promise<SourceStore> | undefined;
  const store = () => (opened ??= SourceStore.open(sourcesDirectory(options.runDir)));
  return {
    id: options.backend.id,
    description: `web pages found by ${options.backend.id}`,
    async search(query, search): Promise<SourceText[]> {
      const sources = await store();
      search.progress(`Searching ${options.backend.id} for “${query}”`);
      const hits = await options.backend.search(query, { signal: search.signal, limit: search.limit });
      search.signal.throwIfAborted();
      search.progress(`Reading ${hits.length} page${hits.length === 1 ? '' : 's'} found for “${query}”`);
      const { stored, failed } = await fetchAndStore(hits, sources, {
        signal: search.signal,
        allowPrivateAddresses: options.allowPrivateAddresses,
        fetch: options.fetch,
      });
      if (failed.length > 0) search.progress(`${failed.length} page${failed.length === 1 ? '' : 's'} could not be read (${failed[0]!.reason})`);
      return stored.map((source, rank) => ({
        ref: sources.ref(source.id, 1, source.text.split('\n').length, options.root),
        title: source.title,
        text: source.text,
        // Hits come best first: keep the engine's order.
        score: stored.length - rank,
      }));
    },
    async verify(finding: Finding) {
      if (finding.source.url === undefined) return false;
      const source = (await store()).findByUrl(finding.source.url);
      return source !== undefined && quoteMatches(source.text.split('\n'), finding, 'within');
    },
  };
}
