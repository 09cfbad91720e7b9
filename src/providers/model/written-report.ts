import type { Finding, ReportBlock, ReportSection, SourceRef } from '../../core/sources';
import { languageForPath } from '../offline/code-language';
import { locateQuote } from '../quote-match';
import { markUnsupportedQuotations, NOT_IN_SOURCES } from './report-quotations';

export interface ParsedReport {
  sections: ReportSection[];
  /** Citation markers naming evidence that does not exist: removed. */
  unknownCitations: number;
  /** Quotations (marks of any kind, code spans, block quotes) that no cited evidence contains: marked in the text. */
  unverifiedQuotations: number;
  /** Findings cited at least once, in order of first citation. */
  cited: Finding[];
}

const CITATION = /\[\s*(E\d+(?:\s*[,;]\s*E\d+)*)\s*\]/gi;

/**
 * Turns the writer model's Markdown into report sections: `## ` lines start sections, paragraphs and
 * list items become text blocks, and `[E3]` markers become citations of the evidence they name (links
 * to the exact lines, made by the report renderer). The model's prose stays plain text: the renderer
 * escapes it, so nothing it writes can become a link or HTML. A section "Evidence" then lists every
 * cited quote verbatim, so each link's claim can be checked against the source's own words.
 *
 * Whatever the prose presents as a source's words is checked against the evidence it cites: quotations
 * and code spans are marked when that evidence does not contain them, and a block quote (`> `) becomes
 * the source's own text of the lines it quotes — or, when no cited evidence says it, a marked sentence
 * with no link. A block quote that cites nothing is checked against what the sentence before it cites.
 */
export function parseWrittenReport(markdown: string, evidence: readonly Finding[], summaryHeading = 'Summary'): ParsedReport {
  const sections: ReportSection[] = [];
  let current: ReportSection = { heading: summaryHeading, blocks: [] };
  let paragraph: string[] = [];
  let unknownCitations = 0;
  let unverifiedQuotations = 0;
  const citedIndex = new Map<number, number>();
  const cited: Finding[] = [];

  let paragraphIsQuote = false;
  let previousRefs: SourceRef[] = [];

  const flush = () => {
    const raw = paragraph.join(paragraphIsQuote ? '\n' : ' ').trim();
    const isQuote = paragraphIsQuote;
    paragraph = [];
    paragraphIsQuote = false;
    if (!raw) return;
    const refs: SourceRef[] = [];
    const findings: Finding[] = [];
    let text = raw.replace(CITATION, (_, ids: string) => {
      for (const id of ids.split(/[,;]/)) {
        const index = Number(id.trim().slice(1)) - 1;
        const finding = evidence[index];
        if (!finding) {
          unknownCitations++;
          continue;
        }
        if (!citedIndex.has(index)) citedIndex.set(index, cited.push(finding) - 1);
        if (!refs.some((r) => sameRef(r, finding.source))) refs.push(finding.source);
        if (!findings.includes(finding)) findings.push(finding);
      }
      return '';
    });
    text = text.replace(/[ \t]+([.,;:!?])/g, '$1').replace(/[ \t]{2,}/g, ' ').trim();
    if (isQuote) {
      current.blocks.push(quoteBlock(text, findings.length > 0 ? findings : evidence.filter((f) => previousRefs.some((r) => sameRef(r, f.source)))));
      previousRefs = [];
      return;
    }
    const checked = markUnsupportedQuotations(text, findings.map((f) => f.quote));
    unverifiedQuotations += checked.marked;
    if (checked.text) current.blocks.push({ kind: 'text', text: checked.text, citations: refs });
    previousRefs = refs;
  };

  /** A block quote as the source's own words when cited evidence contains it; otherwise marked, with no link. */
  const quoteBlock = (text: string, candidates: readonly Finding[]): ReportBlock => {
    const words = text.replace(/^[\s\u2014\u2013-]+$/gm, '').trim();
    for (const finding of candidates) {
      const found = locateQuote({ ref: finding.source, text: finding.quote }, words);
      if (found) {
        const language = languageForPath(finding.source.path);
        return { kind: 'quote', text: found.quote, source: found.ref, ...(language ? { language } : {}), ...(finding.verified !== undefined && { verified: finding.verified }) };
      }
    }
    unverifiedQuotations++;
    return { kind: 'text', text: `${NOT_IN_SOURCES} "${words.replace(/\s+/g, ' ')}"`, citations: [] };
  };

  for (const line of markdown.replace(/\r\n?/g, '\n').split('\n')) {
    const heading = /^\s{0,3}#{1,6}\s+(.*?)\s*#*\s*$/.exec(line);
    if (heading) {
      flush();
      if (current.blocks.length > 0 || current.heading !== summaryHeading) sections.push(current);
      current = { heading: heading[1].replace(/[*_`]/g, '') || 'Section', blocks: [] };
      continue;
    }
    const quoted = /^\s{0,3}>\s?(.*)$/.exec(line);
    if (quoted) {
      if (!paragraphIsQuote) flush();
      paragraphIsQuote = true;
      paragraph.push(quoted[1]);
      continue;
    }
    if (paragraphIsQuote || line.trim() === '' || /^\s*```/.test(line)) {
      flush();
      if (line.trim() === '' || /^\s*```/.test(line)) continue;
    }
    const item = /^\s*(?:[-*+]|\d+[.)])\s+(.*)$/.exec(line);
    if (item) {
      flush();
      paragraph.push(item[1]);
      flush();
      continue;
    }
    paragraph.push(line.trim());
  }
  flush();
  if (current.blocks.length > 0) sections.push(current);

  if (cited.length > 0) {
    sections.push({
      heading: 'Evidence',
      blocks: cited.map((finding): ReportBlock => {
        const language = languageForPath(finding.source.path);
        return { kind: 'quote', text: finding.quote, source: finding.source, ...(language ? { language } : {}), ...(finding.verified !== undefined && { verified: finding.verified }) };
      }),
    });
  }
  return { sections, unknownCitations, unverifiedQuotations, cited };
}

function sameRef(a: SourceRef, b: SourceRef): boolean {
  return a.path === b.path && a.startLine === b.startLine && a.endLine === b.endLine;
}
