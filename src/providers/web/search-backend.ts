/**
 * Where research finds sources besides the workspace: SearXNG, a hosted search API, or the
 * workspace index. A backend returns hits; the source store fetches, cleans and keeps their text so
 * that every quote a model cites can be checked against what was actually read.
 */

export interface SearchHit {
  /** An http(s) URL, or a workspace-relative path for workspace hits. */
  url: string;
  title: string;
  /** The engine's snippet: a hint for ranking, never cited. */
  snippet: string;
}

export interface SearchOptions {
  signal: AbortSignal;
  /** At most this many hits. */
  limit: number;
}

export interface SearchBackend {
  readonly id: string;
  search(query: string, options: SearchOptions): Promise<SearchHit[]>;
}

/** The cleaned text of one source, as stored for the run; citations are checked against `text`. */
export interface StoredSource {
  /** Stable within a run, e.g. "s3". */
  id: string;
  url: string;
  title: string;
  text: string;
  fetchedAt: number;
}

/**
 * The http(s) hits of an engine's result list, deduplicated by URL, at most `limit`, in the engine's
 * order. `snippetOf` reads the engine's own snippet field. Anything else (relative, `javascript:`,
 * missing URLs) is dropped: a hit is only worth fetching if it is a web page.
 */
export function webHits(results: readonly unknown[], limit: number, snippetOf: (result: Record<string, unknown>) => string): SearchHit[] {
  const hits: SearchHit[] = [];
  const seen = new Set<string>();
  for (const item of results) {
    if (hits.length >= limit) break;
    const result = (item ?? {}) as Record<string, unknown>;
    const url = typeof result.url === 'string' ? result.url : '';
    if (!/^https?:\/\//i.test(url) || seen.has(url)) continue;
    seen.add(url);
    hits.push({ url, title: typeof result.title === 'string' && result.title.trim() ? result.title.trim() : url, snippet: snippetOf(result) });
  }
  return hits;
}
