import type { TaskContext, TaskResult } from '../../core/executor';
import type { TaskSpec } from '../../core/plan';
import { depthOf, type ReportDepth } from '../../core/report-depth';
import type { Finding } from '../../core/sources';
import { selectAnswer, type AnswerCandidate } from './answer-selection';
import { trimFinding } from './quote-trim';
import { readSearchData, type AnalysisData, type FacetOutcome, type PassageContext } from './result-data';
import { searchTerms } from './search-terms';
import { plural } from './wording';

/**
 * Quotes kept per facet — enough to show the evidence, few enough to read — and the share of its
 * facet's best score under which a passage is a weak match, not evidence. A detailed report keeps more.
 */
const KEEP: Record<ReportDepth, { perFacet: number; minRelativeScore: number }> = {
  brief: { perFacet: 3, minRelativeScore: 0.3 },
  standard: { perFacet: 3, minRelativeScore: 0.2 },
  detailed: { perFacet: 6, minRelativeScore: 0.2 },
};

/**
 * An aspect's passage that scores under this share of what the subject alone found matches the aspect's
 * words more than the subject (a README's logo line for "Overview", `process.stdout` for "How it works"):
 * the aspect then finds nothing of its own, and the report says so instead of padding itself.
 */
const MIN_ASPECT_SHARE_OF_SUBJECT = 0.4;

interface Candidate {
  facetIndex: number;
  finding: Finding;
  context: PassageContext;
  /** Score relative to the best of its own search: raw scores are comparable only within one query. */
  relative: number;
  /** For an aspect's passage, how its search's best compares with the subject's own (see measureAspectsAgainstSubject). */
  scale?: number;
}

/**
 * Compares what the searches found: a passage found by several facets (or copied into several
 * files) is quoted once, under the facet it matches best; each facet keeps its best few; files where several facets met are noted.
 * Searches that delivered nothing are listed as missing, and the rest is analysed anyway.
 */
export function runAnalyze(task: TaskSpec, context: TaskContext): TaskResult {
  context.signal.throwIfAborted();
  const keep = KEEP[depthOf(task)];
  const facets: FacetOutcome[] = [];
  const missing: string[] = [];
  const candidates: Candidate[] = [];
  let corpus: AnalysisData['corpus'];
  const weights = new Map<string, number>();
  const bestByFacet: number[] = [];
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
    for (const [term, weight] of search?.questionWeights ?? []) if (typeof term === 'string' && Number.isFinite(weight)) weights.set(term, weight);
    const best = Math.max(0, ...findings.map((finding) => finding.score));
    findings.forEach((finding, i) => {
      const context = search?.structure?.[i] ?? {};
      candidates.push({ facetIndex: facets.length, finding: { ...finding, facet }, context, relative: best > 0 ? finding.score / best : 1 });
    });
    facets.push({ taskId: id, facet, query: search?.query ?? '', ...(search?.focus ? { focus: search.focus } : {}), found: findings.length, kept: 0 });
    bestByFacet.push(best);
  }
  measureAspectsAgainstSubject(candidates, facets, bestByFacet);

  weighByFile(candidates);
  candidates.sort((a, b) => b.relative - a.relative || a.facetIndex - b.facetIndex);
  // Without weights from the searches (results recorded before them), every word of the question counts alike.
  if (weights.size === 0) for (const term of searchTerms(context.question)) weights.set(term, 1);
  const keptByFacet: { finding: Finding; context: PassageContext }[][] = facets.map(() => []);
  const keptTexts = new Set<string>();
  const facetsByFile = new Map<string, Set<string>>();
  for (const { facetIndex, finding, relative, scale, context: where } of candidates) {
    const path = finding.source.path;
    facetsByFile.set(path, (facetsByFile.get(path) ?? new Set()).add(facets[facetIndex].facet));
    const kept = keptByFacet[facetIndex];
    const minimum = scale === undefined ? keep.minRelativeScore : Math.max(keep.minRelativeScore, MIN_ASPECT_SHARE_OF_SUBJECT);
    if (relative * (scale ?? 1) < minimum || kept.length >= keep.perFacet) continue;
    // Copies count as duplicates too: the same passage in `dist/cjs` and `dist/esm` says nothing new.
    if (keptTexts.has(finding.quote) || keptByFacet.some((list) => list.some((other) => overlaps(other.finding, finding)))) continue;
    const trimmed = trimFinding(finding, facetWeights(weights, facets[facetIndex]), (where.headings?.length ?? 0) > 0);
    // Two passages may trim to the same lines (a config block a page shows twice): one is enough.
    if (keptTexts.has(trimmed.quote)) continue;
    kept.push({ finding: trimmed, context: where });
    keptTexts.add(finding.quote).add(trimmed.quote);
  }
  keptByFacet.forEach((kept, i) => (facets[i].kept = kept.length));

  const sharedFiles = [...facetsByFile]
    .filter(([, names]) => names.size > 1)
    .map(([path, names]) => ({ path, facets: [...names] }))
    .sort((a, b) => b.facets.length - a.facets.length || a.path.localeCompare(b.path));
  const kept = keptByFacet.flat();
  const findings = kept.map((entry) => entry.finding);
  // Every passage the searches found, not only those quoted below: a sentence that answers may sit in
  // a passage that lost its facet's slot to a better passage of the same file.
  const answer = selectAnswer(candidates.map(({ finding, context: where, relative }): AnswerCandidate => ({ finding, context: where, relative })), weights, context.question);
  const data: AnalysisData = { kind: 'offline-analysis', facets, missing, sharedFiles, corpus, answer, contexts: kept.map((entry) => entry.context) };
  const parts = [`kept ${plural(findings.length, 'passage')} of ${candidates.length} across ${plural(facets.length, 'facet')}`];
  if (sharedFiles.length > 0) parts.push(`${plural(sharedFiles.length, 'file')} found by several facets`);
  if (missing.length > 0) parts.push(`no result from ${missing.join(', ')}`);
  return { summary: parts.join('; '), findings, data };
}

/**
 * An aspect searches the question's subject narrowed by its own words, so its scores are on the scale of
 * the subject's own search: an aspect's best passage that scores far below what the subject alone found
 * is a weak match (a pointer line that shares one word with the question), not evidence of the aspect.
 * Its passages are kept as evidence only when they hold up against the subject's best; the Answer still
 * weighs every passage within its own search.
 */
function measureAspectsAgainstSubject(candidates: Candidate[], facets: readonly FacetOutcome[], best: readonly number[]): void {
  const subjectBest = new Map<string, number>();
  facets.forEach((facet, i) => {
    if (!facet.focus) subjectBest.set(facet.query, Math.max(subjectBest.get(facet.query) ?? 0, best[i]));
  });
  for (const candidate of candidates) {
    const facet = facets[candidate.facetIndex];
    const reference = facet.focus ? subjectBest.get(facet.query) : undefined;
    if (reference && reference > best[candidate.facetIndex]) candidate.scale = best[candidate.facetIndex] / reference;
  }
}

/**
 * The file that answers a question tends to be found by several facets, with several strong passages;
 * a passage that matches well in a file nothing else points to is more often a coincidence. Each
 * passage's relative score is weighed by its file's share of all the evidence (up to ×1, down to ×0.5).
 */
function weighByFile(candidates: Candidate[]): void {
  const byFile = new Map<string, number>();
  for (const { finding, relative } of candidates) byFile.set(finding.source.path, (byFile.get(finding.source.path) ?? 0) + relative);
  const best = Math.max(0, ...byFile.values());
  if (best <= 0) return;
  for (const candidate of candidates) candidate.relative *= FILE_WEIGHT_FLOOR + (1 - FILE_WEIGHT_FLOOR) * (byFile.get(candidate.finding.source.path)! / best);
}

const FILE_WEIGHT_FLOOR = 0.5;

/** The question's weights plus the facet's own words, so a facet's quote keeps the lines of its aspect. */
function facetWeights(weights: ReadonlyMap<string, number>, facet: FacetOutcome): Map<string, number> {
  const result = new Map(weights);
  for (const term of searchTerms(`${facet.query} ${facet.focus ?? ''}`)) result.set(term, Math.max(result.get(term) ?? 0, 1));
  return result;
}

function overlaps(a: Finding, b: Finding): boolean {
  return a.source.path === b.source.path && a.source.startLine <= b.source.endLine && b.source.startLine <= a.source.endLine;
}
