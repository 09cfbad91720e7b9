import type { TaskContext, TaskResult } from '../../core/executor';
import type { TaskSpec } from '../../core/plan';
import type { Finding } from '../../core/sources';
import { readSearchData, type AnalysisData, type FacetOutcome } from './result-data';
import { plural } from './wording';

/** Quotes kept per facet: enough to show the evidence, few enough to read. */
const KEEP_PER_FACET = 3;
/** A passage scoring under this share of its facet's best is a weak match, not evidence. */
const MIN_RELATIVE_SCORE = 0.3;

interface Candidate {
  facetIndex: number;
  finding: Finding;
  /** Score relative to the best of its own search: raw scores are comparable only within one query. */
  relative: number;
}

/**
 * Compares what the searches found: a passage found by several facets (or copied into several
 * files) is quoted once, under the facet it matches best; each facet keeps its best few; files where several facets met are noted.
 * Searches that delivered nothing are listed as missing, and the rest is analysed anyway.
 */
export function runAnalyze(task: TaskSpec, context: TaskContext): TaskResult {
  context.signal.throwIfAborted();
  const facets: FacetOutcome[] = [];
  const missing: string[] = [];
  const candidates: Candidate[] = [];
  let corpus: AnalysisData['corpus'];
  for (const id of task.dependsOn) {
    const result = context.inputs.get(id);
    if (!result) {
      missing.push(id);
      continue;
    }
    const search = readSearchData(result.data);
    const findings = result.findings ?? [];
    const facet = search?.facet ?? findings[0]?.facet ?? id;
    corpus ??= search?.corpus;
    const best = Math.max(0, ...findings.map((finding) => finding.score));
    for (const finding of findings) {
      candidates.push({ facetIndex: facets.length, finding: { ...finding, facet }, relative: best > 0 ? finding.score / best : 1 });
    }
    facets.push({ taskId: id, facet, query: search?.query ?? '', found: findings.length, kept: 0 });
  }

  candidates.sort((a, b) => b.relative - a.relative || a.facetIndex - b.facetIndex);
  const keptByFacet: Finding[][] = facets.map(() => []);
  const keptTexts = new Set<string>();
  const facetsByFile = new Map<string, Set<string>>();
  for (const { facetIndex, finding, relative } of candidates) {
    const path = finding.source.path;
    facetsByFile.set(path, (facetsByFile.get(path) ?? new Set()).add(facets[facetIndex].facet));
    const kept = keptByFacet[facetIndex];
    if (relative < MIN_RELATIVE_SCORE || kept.length >= KEEP_PER_FACET) continue;
    // Copies count as duplicates too: the same passage in `dist/cjs` and `dist/esm` says nothing new.
    if (keptTexts.has(finding.quote) || keptByFacet.some((list) => list.some((other) => overlaps(other, finding)))) continue;
    kept.push(finding);
    keptTexts.add(finding.quote);
  }
  keptByFacet.forEach((kept, i) => (facets[i].kept = kept.length));

  const sharedFiles = [...facetsByFile]
    .filter(([, names]) => names.size > 1)
    .map(([path, names]) => ({ path, facets: [...names] }))
    .sort((a, b) => b.facets.length - a.facets.length || a.path.localeCompare(b.path));
  const findings = keptByFacet.flat();
  const data: AnalysisData = { kind: 'offline-analysis', facets, missing, sharedFiles, corpus };
  const parts = [`kept ${plural(findings.length, 'passage')} of ${candidates.length} across ${plural(facets.length, 'facet')}`];
  if (sharedFiles.length > 0) parts.push(`${plural(sharedFiles.length, 'file')} found by several facets`);
  if (missing.length > 0) parts.push(`no result from ${missing.join(', ')}`);
  return { summary: parts.join('; '), findings, data };
}

function overlaps(a: Finding, b: Finding): boolean {
  return a.source.path === b.source.path && a.source.startLine <= b.source.endLine && b.source.startLine <= a.source.endLine;
}
