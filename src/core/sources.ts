/**
 * What research is made of: passages of source text and the places they come from. Plain,
 * serializable data, so results can cross process boundaries (workers, journals) unchanged.
 */

/**
 * A span of lines in one source file. `path` is relative to the research root, with `/` separators.
 * For a web source, `path` is the run's stored copy of the page's text (the lines are lines of that
 * copy, where the quote was checked) and `url` is the page itself.
 */
export interface SourceRef {
  path: string;
  /** 1-based, inclusive. */
  startLine: number;
  /** 1-based, inclusive. */
  endLine: number;
  /** The web page this text was read from (http or https); absent for workspace files. */
  url?: string;
  /** The page's title, for labels; absent for workspace files. */
  title?: string;
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
  /** True when `quote` was checked against the stored text of a web source (see ReportBlock.verified). */
  verified?: boolean;
}

/** One block of a report section. Quotes are data: renderers escape them, never interpret them. */
export type ReportBlock =
  | {
      kind: 'quote';
      text: string;
      source: SourceRef;
      language?: string;
      /**
       * Whether the quote was found in the stored text of its source. A quote of a web source (one
       * with a `url`) is shown as sourced only when this is true; otherwise it is rendered as
       * unverified, with no link. Workspace quotes are checked by their provider before they get here.
       */
      verified?: boolean;
      /**
       * Where the quote sits in its file, shown beside the citation: the Markdown section's heading
       * trail, or the declaration (`function retryDelay`, `class Dispatcher`) a code quote is in.
       */
      where?: { headings?: string[]; symbol?: string };
      /** A short quote shown inline, in a list (the Answer's sentences), rather than as a block. */
      inline?: boolean;
    }
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
