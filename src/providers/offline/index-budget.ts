import { UsageError } from '../../core/errors';
import type { Passage } from './passages';

/**
 * Limits on what the offline index holds, so that no folder can exhaust memory (issue 13: 100 files
 * of 1 MB of distinct words took 4.3 GB and crashed the CLI). Each limit stops growth of one thing
 * the index keeps: the text of passages, the passages themselves, and the distinct terms of the BM25
 * index. Folders of ordinary code and notes stay far below all of them.
 */
export interface IndexBudget {
  /** UTF-8 bytes of text indexed across all files. Once spent, later files are not read. */
  maxTotalBytes: number;
  /** UTF-8 bytes indexed of one file; a longer file is indexed up to the last line end before it. */
  maxBytesPerFile: number;
  /** Passages in the index. Once reached, later files are not read. */
  maxPassages: number;
  /** Distinct terms in the index. Words first seen after that are not indexed; known ones still are. */
  maxTerms: number;
}

const MiB = 1024 * 1024;

/**
 * Chosen by measurement (bench/results.md, "Index budget"): the CLI answers over 100 files × 1 MB of
 * random words in 7 s at 407 MB peak (483 MB when every word is a known one, the most postings), while
 * this repository's sources, mocha's lib and the 10,000-file benchmark workspace (16.2 MiB, 77k
 * passages) are indexed whole. 1,000,000 terms would double the peak.
 */
export const DEFAULT_INDEX_BUDGET: Readonly<IndexBudget> = Object.freeze({
  maxTotalBytes: 20 * MiB,
  maxBytesPerFile: 512 * 1024,
  maxPassages: 200_000,
  maxTerms: 300_000,
});

/** What the budget left out and why: plain data, carried with the corpus stats to the report. */
export interface BudgetReport {
  limits: IndexBudget;
  /** Which limit stopped the reading of files, if one did. */
  stoppedBy?: 'bytes' | 'passages';
  /** Files not read (or not indexed) because the index was full. */
  filesNotRead: number;
  /** The file being indexed when the index became full, indexed only in part (0 or 1). */
  filesCutWhenFull: number;
  /** Files indexed only up to `maxBytesPerFile`. */
  filesCutAtFileLimit: number;
  /** Occurrences of words not indexed because the index already held `maxTerms` distinct terms. */
  wordsNotIndexed: number;
}

/**
 * Keeps the budget while a corpus is built: `admitFile` cuts each file's text and passages to what is
 * left, `admitTerm` the index's vocabulary. Counts everything it refuses, for the report.
 */
export class IndexBudgetKeeper {
  private bytes = 0;
  private passages = 0;
  private readonly terms = new Set<string>();
  private readonly report: BudgetReport;

  constructor(readonly limits: IndexBudget = DEFAULT_INDEX_BUDGET) {
    this.report = { limits: { ...limits }, filesNotRead: 0, filesCutWhenFull: 0, filesCutAtFileLimit: 0, wordsNotIndexed: 0 };
  }

  /** True once no further file will be indexed. */
  get full(): boolean {
    return this.report.stoppedBy !== undefined;
  }

  /**
   * The passages of `text` that fit, from `split` (the file's splitter, given the text to split); none
   * when the index is already full. A text is cut at a line end, so the passages kept are exactly those
   * of the start of the file and their line numbers stay true. Check `full` after each file: once it
   * is true, the files still to come are left out (count them with `countNotRead`).
   */
  admitFile(text: string, split: (text: string) => Passage[]): Passage[] {
    if (this.full) {
      this.report.filesNotRead++;
      return [];
    }
    const { maxTotalBytes, maxBytesPerFile, maxPassages } = this.limits;
    const room = maxTotalBytes - this.bytes;
    let cut: 'file' | 'full' | undefined;
    const bytes = Buffer.byteLength(text);
    if (bytes > maxBytesPerFile && maxBytesPerFile <= room) {
      text = cutAtLineEnd(text, maxBytesPerFile);
      cut = 'file';
    } else if (bytes > room) {
      text = cutAtLineEnd(text, room);
      cut = 'full';
      this.report.stoppedBy = 'bytes';
    }
    let passages = split(text);
    if (passages.length > maxPassages - this.passages) {
      passages = passages.slice(0, maxPassages - this.passages);
      cut = 'full';
      this.report.stoppedBy = 'passages';
    }
    this.bytes += cut === undefined ? bytes : Buffer.byteLength(text);
    this.passages += passages.length;
    // Filled exactly, with nothing cut: the next file is the first one left out.
    if (!this.full && this.bytes >= maxTotalBytes) this.report.stoppedBy = 'bytes';
    if (!this.full && this.passages >= maxPassages) this.report.stoppedBy = 'passages';

    if (cut === 'file') this.report.filesCutAtFileLimit++;
    if (cut === 'full') this.report.filesCutWhenFull++;
    return passages;
  }

  /**
   * admitFile, also saying what the file took of the budget: what an index cache records, so that a
   * later walk can count the file again without reading it (admitKnown).
   */
  admitFileRecorded(text: string, split: (text: string) => Passage[]): { passages: Passage[]; bytes: number; cutAtFileLimit: boolean } {
    const bytesBefore = this.bytes;
    const cutsBefore = this.report.filesCutAtFileLimit;
    const passages = this.admitFile(text, split);
    return { passages, bytes: this.bytes - bytesBefore, cutAtFileLimit: this.report.filesCutAtFileLimit > cutsBefore };
  }

  /**
   * Counts a file not read again (its passages come from an index cache) as admitFile counted it
   * before, and says whether that is still exact: false when admitFile would now cut the file
   * differently (less room is left before it than when it was read), and then the caller must read
   * the folder afresh. Nothing is counted when it returns false.
   */
  admitKnown(file: { bytes: number; passages: number; cutAtFileLimit: boolean }): boolean {
    if (this.full) return false;
    const { maxTotalBytes, maxBytesPerFile, maxPassages } = this.limits;
    const room = maxTotalBytes - this.bytes;
    if (file.bytes > room || file.passages > maxPassages - this.passages) return false;
    // Cut at the file limit only while that limit fitted in the room left; else admitFile cuts at the room.
    if (file.cutAtFileLimit && maxBytesPerFile > room) return false;
    this.bytes += file.bytes;
    this.passages += file.passages;
    if (this.bytes >= maxTotalBytes) this.report.stoppedBy = 'bytes';
    if (!this.full && this.passages >= maxPassages) this.report.stoppedBy = 'passages';
    if (file.cutAtFileLimit) this.report.filesCutAtFileLimit++;
    return true;
  }

  /** Files the walk did not open because the index was full. */
  countNotRead(files: number): void {
    this.report.filesNotRead += files;
  }

  /** Whether the index may hold `term` (already normalised): known terms always, new ones while there is room. */
  admitTerm(term: string): boolean {
    if (this.terms.has(term)) return true;
    if (this.terms.size < this.limits.maxTerms) {
      this.terms.add(term);
      return true;
    }
    this.report.wordsNotIndexed++;
    return false;
  }

  /** Distinct terms admitted so far. */
  get termCount(): number {
    return this.terms.size;
  }

  /** What was left out so far (a copy). */
  snapshot(): BudgetReport {
    return { ...this.report, limits: { ...this.report.limits } };
  }
}

/** The longest start of `text` that ends at a line end and is at most `maxBytes` bytes of UTF-8. */
export function cutAtLineEnd(text: string, maxBytes: number): string {
  if (maxBytes <= 0) return '';
  // A character is at least one byte, so the first maxBytes characters hold the first maxBytes bytes.
  // A character split at the end decodes to U+FFFD, after the last line end, and goes with the rest.
  const prefix = Buffer.from(text.slice(0, maxBytes)).subarray(0, maxBytes).toString('utf8');
  return prefix.slice(0, prefix.lastIndexOf('\n') + 1);
}

/**
 * Test hook, read by the command line only: RESEARCH_INDEX_BUDGET, a JSON object with any of the
 * limits (e.g. `{"maxTotalBytes": 65536}`), the others keeping their defaults. Lets a test exhaust the
 * budget with a small folder. Anything else in it is an error, not ignored.
 */
export const INDEX_BUDGET_ENV = 'RESEARCH_INDEX_BUDGET';

export function indexBudgetFromEnv(env: Readonly<Record<string, string | undefined>>): IndexBudget | undefined {
  const raw = env[INDEX_BUDGET_ENV];
  if (raw === undefined || raw.trim() === '') return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    throw new UsageError(`${INDEX_BUDGET_ENV} is not JSON: ${raw}`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new UsageError(`${INDEX_BUDGET_ENV} must be a JSON object`);
  const budget: IndexBudget = { ...DEFAULT_INDEX_BUDGET };
  for (const [key, value] of Object.entries(parsed)) {
    if (!Object.hasOwn(DEFAULT_INDEX_BUDGET, key)) throw new UsageError(`${INDEX_BUDGET_ENV}: unknown limit "${key}" (known: ${Object.keys(DEFAULT_INDEX_BUDGET).join(', ')})`);
    if (!Number.isSafeInteger(value) || (value as number) < 1) throw new UsageError(`${INDEX_BUDGET_ENV}: ${key} must be a positive integer`);
    budget[key as keyof IndexBudget] = value as number;
  }
  return budget;
}
