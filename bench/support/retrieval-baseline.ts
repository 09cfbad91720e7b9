/**
 * The retrieval benchmark's baseline: plain BM25 as anyone would set it up in a minute. MiniSearch
 * with its default tokenizer (no stemming), one field (no boosting), over the corpus cut into fixed
 * 20-line blocks, queried with the question as typed. Its "report" is the top blocks, cited whole.
 */
import MiniSearch from 'minisearch';
import type { Citation } from './retrieval-metrics';

export const BLOCK_LINES = 20;
export const BASELINE_REPORT_BLOCKS = 8;

interface Block extends Citation {
  id: number;
  text: string;
}

export class BaselineIndex {
  private readonly blocks: Block[] = [];
  private readonly search = new MiniSearch<Block>({ fields: ['text'], idField: 'id' });

  /** `files`: path relative to the corpus root → text. */
  constructor(files: ReadonlyMap<string, string>) {
    for (const [file, text] of files) {
      const lines = text.split(/\r\n|\r|\n/);
      for (let start = 0; start < lines.length; start += BLOCK_LINES) {
        const chunk = lines.slice(start, start + BLOCK_LINES);
        this.blocks.push({ id: this.blocks.length, path: file, startLine: start + 1, endLine: start + chunk.length, text: chunk.join('\n') });
      }
    }
    this.search.addAll(this.blocks);
  }

  get blockCount(): number {
    return this.blocks.length;
  }

  /** The best blocks for the question, best first: the files rank by their first block among them. */
  answer(question: string, limit = BASELINE_REPORT_BLOCKS): { citations: Citation[]; text: string } {
    const top = this.search.search(question).slice(0, limit).map((hit) => this.blocks[hit.id as number]!);
    return { citations: top.map(({ path, startLine, endLine }) => ({ path, startLine, endLine })), text: top.map((b) => b.text).join('\n\n') };
  }
}
