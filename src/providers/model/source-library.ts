import type { Finding, SourceRef } from '../../core/sources';
import type { SearchBackend, StoredSource } from '../web/search-backend';

/** A source's text as a model reads it: exactly lines `ref.startLine..ref.endLine` of `ref.path`. */
export interface SourceText {
  /** `path` is workspace-relative for files, the URL for web pages. */
  ref: SourceRef;
  title: string;
  text: string;
  /** Ranking score of the search; comparable only within one search. */
  score: number;
}

export interface SourceSearchOptions {
  signal: AbortSignal;
  limit: number;
  /** The run's question, as context for ranking. */
  question: string;
  progress(message: string, fraction?: number): void;
}

/**
 * Where model-backed searches find what to read: the workspace index, or a web search backend with a
 * source store. `verify` re-checks a cited quote against the source as stored or as it is now; a quote
 * that fails is left out of the report, never shown as sourced.
 */
export interface SourceLibrary {
  readonly id: string;
  /** For the report's method sentence, e.g. "the files of the folder “notes”". */
  readonly description: string;
  search(query: string, options: SourceSearchOptions): Promise<SourceText[]>;
  verify(finding: Finding, signal: AbortSignal): Promise<boolean>;
  dispose?(): void;
}

/**
 * A SourceLibrary over a SearchBackend (SearXNG, a hosted search API) and a store that fetches and
 * cleans each hit's page. Quotes are verified against the stored text.
 */
export function sourcesFromSearchBackend(
  backend: SearchBackend,
  fetchSource: (url: string, title: string, signal: AbortSignal) => Promise<StoredSource | undefined>,
  description = `web search (${backend.id})`,
): SourceLibrary {
  const stored = new Map<string, StoredSource>();
  return {
    id: backend.id,
    description,
    async search(query, options) {
      options.progress(`Searching ${backend.id} for “${query}”`);
      const hits = await backend.search(query, { signal: options.signal, limit: options.limit });
      const texts: SourceText[] = [];
      for (const [rank, hit] of hits.entries()) {
        options.signal.throwIfAborted();
        options.progress(`Reading ${hit.url}`, rank / Math.max(1, hits.length));
        const source = await fetchSource(hit.url, hit.title, options.signal).catch((error: unknown) => {
          if (options.signal.aborted) throw error;
          return undefined; // one unreadable page does not fail the search
        });
        if (!source || source.text.trim() === '') continue;
        stored.set(source.url, source);
        texts.push({
          ref: { path: source.url, startLine: 1, endLine: source.text.split('\n').length },
          title: source.title,
          text: source.text,
          score: hits.length - rank,
        });
      }
      return texts;
    },
    async verify(finding) {
      const source = stored.get(finding.source.path);
      return source !== undefined && source.text.includes(finding.quote);
    },
  };
}
