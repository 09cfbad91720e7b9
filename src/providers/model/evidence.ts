import type { TaskResult } from '../../core/executor';
import type { Finding } from '../../core/sources';
import type { NumberedEvidence } from './prompts';

/** What model search tasks hand to their dependents in `TaskResult.data`. */
export interface ModelSearchData {
  kind: 'model-search';
  facet: string;
  query: string;
  sourcesRead: number;
  /** The model's one-sentence note for each finding, in the order of `findings`. */
  notes: string[];
  /** Quotes the model cited that its source does not contain: dropped, never shown as sourced. */
  unverified: number;
}

/** What model analyses hand on: claims, each with the indexes of the findings (of the same result) that support it. */
export interface ModelAnalysisData {
  kind: 'model-analysis';
  points: { claim: string; evidence: number[] }[];
  gaps: string[];
  /** Claims the model made without citing evidence that exists: dropped. */
  unsupported: number;
}

export function readAnalysis(data: unknown): ModelAnalysisData | undefined {
  const d = data as Partial<ModelAnalysisData> | undefined;
  return d && typeof d === 'object' && d.kind === 'model-analysis' && Array.isArray(d.points) ? (d as ModelAnalysisData) : undefined;
}

export function findingKey(finding: Finding): string {
  return `${finding.source.path}\n${finding.source.startLine}-${finding.source.endLine}\n${finding.quote}`;
}

/** The findings of several results, deduplicated, numbered E1, E2, … for a prompt. */
export class EvidenceList {
  readonly findings: Finding[] = [];
  private readonly index = new Map<string, number>();

  /** Adds a finding (once); returns its index. */
  add(finding: Finding): number {
    const key = findingKey(finding);
    const known = this.index.get(key);
    if (known !== undefined) return known;
    this.index.set(key, this.findings.length);
    return this.findings.push(finding) - 1;
  }

  addAll(results: Iterable<TaskResult>): void {
    for (const result of results) for (const finding of result.findings ?? []) this.add(finding);
  }

  static idOf(index: number): string {
    return `E${index + 1}`;
  }

  /** The index of an id such as "E3" or "e3", if it names a finding of the list. */
  lookup(id: string): number | undefined {
    const match = /^\s*\[?E(\d+)\]?\s*$/i.exec(id);
    const index = match ? Number(match[1]) - 1 : -1;
    return index >= 0 && index < this.findings.length ? index : undefined;
  }

  numbered(): NumberedEvidence[] {
    return this.findings.map((f, i) => ({ id: EvidenceList.idOf(i), label: sourceLabel(f), quote: f.quote, facet: f.facet }));
  }
}

export function sourceLabel(finding: Finding): string {
  const { path, startLine, endLine, url, title } = finding.source;
  // A web page is named by its title and URL, not by where the run stored its copy.
  if (url !== undefined) return `${title ? `${title} · ` : ''}${url}`;
  return `${path} lines ${startLine}${endLine !== startLine ? `–${endLine}` : ''}`;
}
