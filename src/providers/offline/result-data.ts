import type { AnswerExcerpt } from './answer-selection';
import type { CorpusStats } from './workspace-corpus';

/**
 * What offline tasks hand to their dependents in `TaskResult.data`, beside the findings. Plain JSON,
 * so it survives the journal; a `kind` marks it, since data read back is checked, not trusted.
 */
export interface SearchData {
  kind: 'offline-search';
  facet: string;
  query: string;
  /** The words that narrowed the query to the facet's aspect, if any. */
  focus?: string;
  corpus: CorpusStats;
  /**
   * How specific each word of the question is in the index ([normalised term, idf] pairs; pairs, not
   * an object, so a term such as `constructor` is data). Absent in results recorded before it existed.
   */
  questionWeights?: [string, number][];
  /** Per finding, in order: where its passage sits in its file (section headings, declaration, shape). */
  structure?: PassageContext[];
}

/** Where a passage sits: its Markdown heading trail, the code declaration it is in, its boilerplate kind. */
export interface PassageContext {
  headings?: string[];
  symbol?: string;
  boilerplate?: string;
}

/** The structure the splitter gave a passage (passages.ts), as plain data. */
export function passageContext(passage: object): PassageContext {
  const { headings, symbol, boilerplate } = passage as { headings?: unknown; symbol?: unknown; boilerplate?: unknown };
  return {
    ...(Array.isArray(headings) && headings.length > 0 ? { headings: headings.filter((h): h is string => typeof h === 'string') } : {}),
    ...(typeof symbol === 'string' && symbol !== '' ? { symbol } : {}),
    ...(typeof boilerplate === 'string' ? { boilerplate } : {}),
  };
}

/** How one facet fared in the analysis. */
export interface FacetOutcome {
  taskId: string;
  facet: string;
  query: string;
  focus?: string;
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
  /** The sentences and lines that best answer the question, best first (answer-selection.ts). */
  answer?: AnswerExcerpt[];
  /** Per kept finding, in order: where its passage sits (headings, declaration). */
  contexts?: PassageContext[];
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
