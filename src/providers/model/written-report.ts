import type { Finding, ReportBlock, ReportSection, SourceRef } from '../../core/sources';
import { languageForPath } from '../offline/code-language';

export interface ParsedReport {
  sections: ReportSection[];
  /** Citation markers naming evidence that does not exist: removed. */
  unknownCitations: number;
  /** Text in quotation marks that no cited evidence contains: flagged in the text. */
  unverifiedQuotations: number;
  /** Findings cited at least once, in order of first citation. */
  cited: Finding[];
}

const CITATION = /\[\s*(E\d+(?:\s*[,;]\s*E\d+)*)\s*\]/gi;
const QUOTATION = /["“]([^"“”]{20,})["”]/g;

/**
 * Turns the writer model's Markdown into report sections: `## ` lines start sections, paragraphs and
 * list items become text blocks, and `[E3]` markers become citations of the evidence they name (links
 * to the exact lines, made by the report renderer). The model's prose stays plain text: the renderer
 * escapes it, so nothing it writes can become a link or HTML. A section "Evidence" then lists every
 * cited quote verbatim, so each link's claim can be checked against the source's own words.
 */
export function parseWrittenReport(markdown: string, evidence: readonly Finding[], summaryHeading = 'Summary'): ParsedReport {
  const sections: ReportSection[] = [];
  let current: ReportSection = { heading: summaryHeading, blocks: [] };
  let paragraph: string[] = [];
  let unknownCitations = 0;
  let unverifiedQuotations = 0;
  const citedIndex = new Map<number, number>();
  const cited: Finding[] = [];

  const flush = () => {
    const raw = paragraph.join(' ').trim();
    paragraph = [];
    if (!raw) return;
    const refs: SourceRef[] = [];
    const quotes: string[] = [];
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
        quotes.push(normalise(finding.quote));
      }
      return '';
    });
    text = text.replace(/\s+([.,;:!?])/g, '$1').replace(/\s{2,}/g, ' ').trim();
    text = text.replace(QUOTATION, (whole, inner: string) => {
      if (quotes.some((q) => q.includes(normalise(inner)))) return whole;
      unverifiedQuotations++;
      return `${whole} [quotation not found in the cited sources]`;
    });
    if (text) current.blocks.push({ kind: 'text', text, citations: refs });
  };

  for (const line of markdown.replace(/\r\n?/g, '\n').split('\n')) {
    const heading = /^\s{0,3}#{1,6}\s+(.*?)\s*#*\s*$/.exec(line);
    if (heading) {
      flush();
      if (current.blocks.length > 0 || current.heading !== summaryHeading) sections.push(current);
      current = { heading: heading[1].replace(/[*_`]/g, '') || 'Section', blocks: [] };
      continue;
    }
    if (line.trim() === '' || /^\s*```/.test(line)) {
      flush();
      continue;
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

function normalise(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}
