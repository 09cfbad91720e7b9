import type { CorpusStats } from './workspace-corpus';

/**
 * What offline tasks hand to their dependents in `TaskResult.data`, beside the findings. Plain JSON,
 * so it survives the journal; a `kind` marks it, since data read back is checked, not trusted.
 */
export interface SearchData {
  kind: 'offline-search';
  facet: string;
  query: string;
  corpus: CorpusStats;
}

/** How one facet fared in the analysis. */
export interface FacetOutcome {
  taskId: string;
  facet: string;
  query: string;
  /** Passages its search returned. */
  found: number;
  /** Passages the analysis kept for it. */
  kept: number;
}

export interface AnalysisData {
  kind: 'offline-analysis';
  /** In the order of the analysis task's dependencies, which is the plan's order of facets. */
  facets: FacetOutcome[];
  /** Dependencies that delivered no result (failed or cancelled searches). */
  missing: string[];
  /** Files in which several facets found passages: where the facets meet. */
  sharedFiles: { path: string; facets: string[] }[];
  /** Absent when no search finished. */
  corpus?: CorpusStats;
}

export function readSearchData(data: unknown): SearchData | undefined {
  return isRecord(data) && data.kind === 'offline-search' && typeof data.facet === 'string' && typeof data.query === 'string'
    ? (data as unknown as SearchData)
    : undefined;
}

export function readAnalysisData(data: unknown): AnalysisData | undefined {
  return isRecord(data) && data.kind === 'offline-analysis' && Array.isArray(data.facets) && Array.isArray(data.missing)
    ? (data as unknown as AnalysisData)
    : undefined;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}
