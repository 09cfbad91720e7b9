import type { Finding } from '../../core/sources';
import { searchTerms } from './search-terms';

/** A quote in the report shows at most this many lines: the ones that matter, not the whole passage. */
export const MAX_QUOTE_LINES = 8;

const MARKDOWN_HEADING = /^ {0,3}#{1,6}(\s|$)/;

/**
 * Narrows a passage to the run of at most MAX_QUOTE_LINES lines that holds most of the weighted terms
 * (the earliest such run on a tie, so a declaration or a paragraph's opening stays in). The result
 * still quotes exact lines, so it is verified like any passage. A passage's leading Markdown heading
 * is dropped when its heading trail is shown beside the quote instead (`headingShown`).
 */
export function trimFinding(finding: Finding, weights: ReadonlyMap<string, number>, headingShown: boolean): Finding {
  let lines = finding.quote.split('\n');
  let first = 0;
  if (headingShown) {
    while (first < lines.length - 1 && (MARKDOWN_HEADING.test(lines[first]) || lines[first].trim() === '')) first++;
  }
  lines = lines.slice(first);
  let offset = first;
  if (lines.length > MAX_QUOTE_LINES) {
    const scores = lines.map((line) => lineScore(line, weights));
    let best = 0;
    let bestSum = -1;
    for (let start = 0; start + MAX_QUOTE_LINES <= lines.length; start++) {
      let sum = 0;
      for (let i = start; i < start + MAX_QUOTE_LINES; i++) sum += scores[i];
      if (sum > bestSum) {
        bestSum = sum;
        best = start;
      }
    }
    lines = lines.slice(best, best + MAX_QUOTE_LINES);
    offset += best;
  }
  // A quote starts and ends with text: blank edges say nothing.
  while (lines.length > 1 && lines[lines.length - 1].trim() === '') lines.pop();
  while (lines.length > 1 && lines[0].trim() === '') {
    lines.shift();
    offset++;
  }
  if (offset === 0 && lines.length === finding.quote.split('\n').length) return finding;
  const startLine = finding.source.startLine + offset;
  return { ...finding, quote: lines.join('\n'), source: { ...finding.source, startLine, endLine: startLine + lines.length - 1 } };
}

function lineScore(line: string, weights: ReadonlyMap<string, number>): number {
  let score = 0;
  for (const term of searchTerms(line)) score += weights.get(term) ?? 0;
  return score;
}
