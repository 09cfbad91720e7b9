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
