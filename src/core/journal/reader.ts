import { JournalCorruptError, JournalVersionError } from './errors';
import { checkRecord } from './record-schema';
import { JOURNAL_VERSION, RECORD_TYPES, type JournalRecord, type JournalRecordType } from './records';
import { MAX_JOURNAL_BYTES, readRunFile } from './run-files';

export interface LoadedJournal {
  records: JournalRecord[];
  /** The last line, cut off by a crash while it was being written; it is ignored. */
  torn?: { line: number; bytes: number };
  /** Bytes of the file that hold the records above: appending must start here (after a torn line is cut). */
  validBytes: number;
  /** False when the last record is complete but its newline was never written. */
  endsWithNewline: boolean;
}

/**
 * Reads a journal file; see parseJournal. A journal that is a link, not a regular file, or larger
 * than any run writes is refused (UnsafeRunFileError) before it is read; a missing one is ENOENT.
 */
export function loadJournal(file: string): LoadedJournal {
  const bytes = readRunFile(file, MAX_JOURNAL_BYTES);
  if (bytes === undefined) throw Object.assign(new Error(`ENOENT: no such file, open '${file}'`), { code: 'ENOENT' });
  return parseJournal(bytes, file);
}

/**
 * Parses a journal. A process killed mid-write can only leave its *last* line incomplete, so an
 * unreadable last line without a newline is reported as `torn` and skipped. Anything unreadable before
 * that is damage no crash can cause, and is refused with the line's number. A record from a newer
 * format version is refused too, rather than misread.
 */
export function parseJournal(bytes: Buffer, file = 'journal'): LoadedJournal {
  const records: JournalRecord[] = [];
  let start = 0;
  let line = 0;
  let validBytes = 0;
  let endsWithNewline = true;
  while (start < bytes.length) {
    line++;
    const newline = bytes.indexOf(0x0a, start);
    const terminated = newline !== -1;
    const end = terminated ? newline : bytes.length;
    const text = bytes.subarray(start, end).toString('utf8');
    const next = terminated ? newline + 1 : bytes.length;
    if (text.trim() === '') {
      start = next;
      if (terminated) validBytes = next;
      continue;
    }
    let record: JournalRecord;
    try {
      record = parseRecord(text);
    } catch (error) {
      if (error instanceof VersionTooNew) throw new JournalVersionError(file, error.version, JOURNAL_VERSION);
      if (!terminated) return { records, torn: { line, bytes: end - start }, validBytes, endsWithNewline: true };
      throw new JournalCorruptError(file, line, (error as Error).message);
    }
    records.push(record);
    validBytes = next;
    endsWithNewline = terminated;
    start = next;
  }
  return { records, validBytes, endsWithNewline };
}

class VersionTooNew extends Error {
  constructor(readonly version: number) {
    super(`version ${version}`);
  }
}

function parseRecord(text: string): JournalRecord {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new Error('not JSON');
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new Error('not a record');
  const record = value as Record<string, unknown>;
  if (typeof record.v !== 'number' || !Number.isInteger(record.v) || record.v < 1) throw new Error('no version "v"');
  if (record.v > JOURNAL_VERSION) throw new VersionTooNew(record.v);
  if (typeof record.type !== 'string' || !RECORD_TYPES.includes(record.type as JournalRecordType)) {
    throw new Error(`unknown record type ${JSON.stringify(record.type)}`);
  }
  return checkRecord(record.type as JournalRecordType, record);
}
