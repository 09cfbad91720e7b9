/** What each benchmark gets and gives back to bench/run.ts. */
export interface BenchContext {
  quick: boolean;
  /** Progress for the person watching (stderr); results go to results.md. */
  log(message: string): void;
}

export interface Chart {
  /** File name under bench/charts/. */
  file: string;
  svg: string;
  alt: string;
}

export interface BenchSection {
  title: string;
  /** Markdown body: what was measured, a table with the baseline beside, and how to read it. */
  markdown: string;
  charts: Chart[];
  /** One or two lines for the summary at the top of results.md. */
  headline: string[];
}
