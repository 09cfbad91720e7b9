/**
 * What research is made of: passages of source text and the places they come from. Plain,
 * serializable data, so results can cross process boundaries (workers, journals) unchanged.
 */

/** A span of lines in one source file. `path` is relative to the research root, with `/` separators. */
export interface SourceRef {
  path: string;
  /** 1-based, inclusive. */
  startLine: number;
  /** 1-based, inclusive. */
  endLine: number;
}

/** A verbatim passage of a source, found relevant to a query. */
export interface Finding {
  source: SourceRef;
  /**
   * Exactly the text of lines startLine..endLine of the source (line endings normalised to \n). Quotes
   * a model picked may be a verbatim span within those lines instead: checked against the source all
   * the same, never the model's own wording.
   */
  quote: string;
  /** Retrieval score; higher is more relevant. Comparable only within one query. */
  score: number;
  /** The facet (sub-question) this finding answers, when known. */
  facet?: string;
}

/** One block of a report section. Quotes are data: renderers escape them, never interpret them. */
export type ReportBlock =
  | { kind: 'quote'; text: string; source: SourceRef; language?: string }
  | { kind: 'text'; text: string; citations: SourceRef[] };

export interface ReportSection {
  heading: string;
  blocks: ReportBlock[];
}

/** A report before it is rendered: citations stay structured so links can be made relative to wherever the report is written. */
export interface ReportDraft {
  title: string;
  /** Plain sentences about how the report was made (e.g. that it is extractive). */
  method: string;
  sections: ReportSection[];
}
