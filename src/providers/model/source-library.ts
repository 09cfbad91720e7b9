import type { Finding, SourceRef } from '../../core/sources';

/** A source's text as a model reads it: exactly lines `ref.startLine..ref.endLine` of `ref.path`. */
export interface SourceText {
  /** `path` is workspace-relative; for web pages it is the run's stored copy and `url` the page. */
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
 * Where model-backed searches find what to read: the workspace index (./workspace-sources), or a web
 * search backend with the run's source store (../web/web-sources). `verify` re-checks a cited quote against the source as stored or as it is now; a quote
 * that fails is left out of the report, never shown as sourced.
 */
export interface SourceLibrary {
  readonly id: string;
  /** For the report's method sentence, e.g. "the files of the folder “notes”". */
  readonly description: string;
  search(query: string, options: SourceSearchOptions): Promise<SourceText[]>;
  verify(finding: Finding, signal: AbortSignal): Promise<boolean>;
  /** What the library left out of its searches to keep memory bounded, in a sentence for the report. */
  leftOut?(): string | undefined;
  dispose?(): void;
}
