/**
 * `npm run bench -- --only x` re-runs some benchmarks: their sections of results.md are replaced and
 * everything else (other benchmarks' sections, hand-written sections, the machine header) is kept, so
 * one benchmark can be re-measured without rerunning all of them.
 */

/** Marks a summary line with the benchmark that wrote it (invisible once rendered), so a re-run can replace it. */
export function tagHeadline(name: string, line: string): string {
  return `${line} <!-- bench:${name} -->`;
}

export interface RerunSection {
  /** The benchmark's key in bench/run.ts, as tagged in the summary. */
  name: string;
  title: string;
  markdown: string;
  headline: readonly string[];
}

interface Block {
  title: string;
  lines: string[];
}

export function mergeResults(existing: string, reruns: readonly RerunSection[], note: string): string {
  const { preamble, blocks } = splitSections(existing);
  const summary = blocks.find((b) => b.title === 'Summary');
  if (summary) {
    const names = new Set(reruns.map((r) => r.name));
    const openings = new Set(reruns.flatMap((r) => r.headline.map(opening)));
    // Lines tagged by a re-run benchmark go; so do untagged ones (written before tags) that open with
    // the same words as a new line, so a re-run does not list its old numbers beside the new.
    const kept = summary.lines.filter((line) => {
      const tag = /<!-- bench:([\w-]+) -->\s*$/.exec(line)?.[1];
      if (tag !== undefined) return !names.has(tag);
      return !(line.startsWith('- ') && openings.has(opening(line.slice(2))));
    });
    const items = kept.filter((l) => l.trim() !== '');
    summary.lines = ['', ...items, ...reruns.flatMap((r) => r.headline.map((l) => `- ${tagHeadline(r.name, l)}`)), ''];
  }
  for (const rerun of reruns) {
    const lines = ['', `*${note}*`, '', ...rerun.markdown.split('\n'), ''];
    const at = blocks.findIndex((b) => b.title === rerun.title);
    if (at >= 0) blocks[at]!.lines = lines;
    else blocks.splice(insertionIndex(blocks, rerun.title), 0, { title: rerun.title, lines });
  }
  const out = [...preamble, ...blocks.flatMap((b) => [`## ${b.title}`, ...b.lines])].join('\n');
  return `${out.replace(/\n{3,}/g, '\n\n').trimEnd()}\n`;
}

function splitSections(markdown: string): { preamble: string[]; blocks: Block[] } {
  const preamble: string[] = [];
  const blocks: Block[] = [];
  let fence = false;
  for (const line of markdown.split('\n')) {
    if (/^(```|~~~)/.test(line)) fence = !fence;
    if (!fence && line.startsWith('## ')) blocks.push({ title: line.slice(3).trim(), lines: [] });
    else (blocks.length > 0 ? blocks[blocks.length - 1]!.lines : preamble).push(line);
  }
  return { preamble, blocks };
}

/** A new numbered section goes after the numbered sections before it ("8. …" after "7. …"); others at the end. */
function insertionIndex(blocks: readonly Block[], title: string): number {
  const number = sectionNumber(title);
  if (number === undefined) return blocks.length;
  let at = blocks.findIndex((b) => b.title === 'Summary') + 1;
  blocks.forEach((b, i) => {
    const n = sectionNumber(b.title);
    if (n !== undefined && n < number) at = i + 1;
  });
  return at;
}

function sectionNumber(title: string): number | undefined {
  const match = /^(\d+)\.\s/.exec(title);
  return match ? Number(match[1]) : undefined;
}

/** The first two words, lower-cased: "Offline research over 10,000 …" → "offline research". */
function opening(line: string): string {
  return line.split(/\s+/).slice(0, 2).join(' ').toLowerCase().replace(/[^\p{L}\p{N} ]/gu, '');
}
