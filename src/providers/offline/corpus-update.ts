import { basename } from 'node:path';
import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import { errorMessage, PermanentError } from '../../core/errors';
import { DEFAULT_INDEX_BUDGET, IndexBudgetKeeper } from './index-budget';
import { PassageIndex } from './passage-index';
import { splitIntoPassages, type Passage } from './passages';
import type { ProgressListener } from './shared-build';
import type { FileStamp } from './text-file';
import type { Corpus, CorpusOptions } from './workspace-corpus';
import { walkWorkspace, type WalkSummary } from './workspace-walker';

/** What the corpus knows of one file: enough to keep it without reading it again while its stamp holds. */
export interface FileRecord extends FileStamp {
  kind: 'text' | 'binary';
  /** Its passages are the ids firstId … firstId + count - 1 of the index (one `add`, so consecutive). */
  firstId: number;
  count: number;
  /** UTF-8 bytes it took of the index budget (after any cut). */
  bytes: number;
  cutAtFileLimit: boolean;
  overlongLines: number;
}

/** A corpus with the record of every file it holds: what an update and the index cache work from. */
export interface CorpusState extends Corpus {
  files: ReadonlyMap<string, FileRecord>;
}

/**
 * What changed since the state was made: 'stat-all' (unknown: compare every file's size and mtime,
 * as the CLI does with its cache), or the relative paths a file-system watcher reported (every other
 * known file is taken as unchanged, not even stat'ed). A deleted or new file needs no mention: the
 * walk lists the folders anyway.
 */
export type CorpusChanges = 'stat-all' | ReadonlySet<string>;

export interface CorpusUpdate {
  state: CorpusState;
  /** Files read again or new, plus files gone; every file for a fresh build. */
  changedFiles: number;
  /** True when the folder was read afresh (no previous state, or it could not be updated exactly). */
  fresh: boolean;
}

/** Passages added to the index between two checks of the signal and two turns of the event loop. */
const INDEX_CHUNK = 500;
/** Walk progress is reported at most this often; the walk reads a batch of files every few ms. */
const PROGRESS_INTERVAL_MS = 200;

/**
 * Brings a corpus up to date with the folder. With a previous state, only changed and new files are
 * read and split, and the index is changed in place (their old passages discarded, the new ones
 * added, ids never reused); without one, or when the budget makes an exact update hard, the folder is
 * read afresh. Aborting leaves `previous` as it was: nothing is changed before the walk has ended.
 */
export async function updateCorpus(
  options: CorpusOptions,
  previous: CorpusState | undefined,
  changes: CorpusChanges,
  signal: AbortSignal,
  progress: ProgressListener,
  /** Stamps of the folder's files taken just before (stamp-prefetch.ts), used instead of stat calls. */
  prefetched?: ReadonlyMap<string, FileStamp>,
): Promise<CorpusUpdate> {
  if (previous && canUpdate(previous)) {
    const update = await updateInPlace(options, previous, changes, signal, progress, prefetched);
    if (typeof update !== 'string') return update;
    progress(`${update}: reading the workspace afresh`);
  }
  return buildFresh(options, signal, progress);
}

/**
 * An index the budget cut (files not read, words not indexed) is rebuilt every time: which files and
 * terms it would hold depends on everything before them in walk order, and counting that again
 * without the files' text is not exact. Folders that large are rare; a fresh build keeps them right.
 */
function canUpdate(state: CorpusState): boolean {
  const budget = state.stats.budget;
  return budget !== undefined && budget.stoppedBy === undefined && budget.wordsNotIndexed === 0;
}

interface ReadFile extends FileStamp {
  passages: Passage[];
  bytes: number;
  cutAtFileLimit: boolean;
  overlongLines: number;
}

/** What one walk found: files read (with their passages), binaries seen, and files recalled. */
interface WalkFindings {
  read: Map<string, ReadFile>;
  binaries: Map<string, FileStamp>;
  walk: WalkSummary;
}

async function walk(
  options: CorpusOptions,
  keeper: IndexBudgetKeeper,
  signal: AbortSignal,
  progress: ProgressListener,
  recall: Parameters<typeof walkWorkspace>[0]['recall'],
): Promise<WalkFindings> {
  const read = new Map<string, ReadFile>();
  const binaries = new Map<string, FileStamp>();
  let lastReport = Date.now();
  try {
    const summary = await walkWorkspace({
      root: options.root,
      maxFileBytes: options.maxFileBytes,
      maxFiles: options.maxFiles,
      outputFolder: options.outputFolder,
      signal,
      readText: options.readText,
      recall,
      onBinary: (path, stamp) => binaries.set(path, stamp),
      onFile: (file) => {
        let overlongLines = 0;
        const admitted = keeper.admitFileRecorded(file.text, (text) => {
          const split = splitIntoPassages(file.path, text);
          overlongLines = split.overlongLines;
          return split.passages;
        });
        // A reader with no stamp (a test's) gives one that never matches: the file is read next time.
        const stamp = file.stamp ?? { size: -1, mtimeMs: -1 };
        read.set(file.path, { ...stamp, ...admitted, overlongLines });
        return !keeper.full;
      },
      onProgress: (filesOpened) => {
        if (Date.now() - lastReport < PROGRESS_INTERVAL_MS) return;
        lastReport = Date.now();
        progress(`${recall ? 'Checking' : 'Reading'} the workspace files: ${filesOpened} so far`);
      },
    });
    return { read, binaries, walk: summary };
  } catch (error) {
    if (signal.aborted) throw signal.reason;
    // Only the root itself failing reaches here; another attempt will not make it readable.
    throw new PermanentError(`cannot read the research folder ${options.root}: ${errorMessage(error)}`, { cause: error });
  }
}

async function buildFresh(options: CorpusOptions, signal: AbortSignal, progress: ProgressListener): Promise<CorpusUpdate> {
  progress('Reading the workspace files');
  const keeper = new IndexBudgetKeeper(options.budget ?? DEFAULT_INDEX_BUDGET);
  const found = await walk(options, keeper, signal, progress, undefined);
  keeper.countNotRead(found.walk.notRead);

  // The budget decides each new term while this build runs; later updates admit every term and
  // check the count instead (see updateInPlace), so the gate is opened once the build is done.
  const gate = { admit: (term: string) => keeper.admitTerm(term) };
  const index = new PassageIndex({ admitTerm: (term) => gate.admit(term) });
  const files = new Map<string, FileRecord>();
  const passages: Passage[] = [];
  let nextId = index.nextId;
  for (const [path, file] of found.read) {
    files.set(path, textRecord(file, nextId));
    nextId += file.passages.length;
    for (const passage of file.passages) passages.push(passage);
  }
  for (const [path, stamp] of found.binaries) files.set(path, binaryRecord(stamp));
  for (let start = 0; start < passages.length; start += INDEX_CHUNK) {
    signal.throwIfAborted();
    progress(`Indexing ${passages.length} passages of ${found.walk.textFiles} files`, start / passages.length);
    index.add(passages.slice(start, start + INDEX_CHUNK));
    await yieldToEventLoop();
  }
  signal.throwIfAborted();
  gate.admit = () => true;
  return { state: { index, files, stats: statsOf(options, found.walk, index, files, keeper) }, changedFiles: files.size, fresh: true };
}

/** The update of a previous state, or why only a fresh build will do. */
async function updateInPlace(
  options: CorpusOptions,
  previous: CorpusState,
  changes: CorpusChanges,
  signal: AbortSignal,
  progress: ProgressListener,
  prefetched: ReadonlyMap<string, FileStamp> | undefined,
): Promise<CorpusUpdate | string> {
  // Ids are never reused, so each update leaves holes; once they outnumber the passages (most of the
  // folder changed, a branch switch), a fresh build costs about what the update would and resets them.
  if (previous.index.nextId - previous.index.size > Math.max(previous.index.size, 10_000)) return 'Most of the index has changed since it was built';
  progress('Checking the workspace files for changes');
  const keeper = new IndexBudgetKeeper(options.budget ?? DEFAULT_INDEX_BUDGET);
  const known = previous.files;
  const kept = new Set<string>();
  let exact = true;
  const keep = (path: string, record: FileRecord | undefined) => {
    if (record?.kind === 'binary') kept.add(path);
    return record?.kind;
  };
  const found = await walk(options, keeper, signal, progress, {
    unchanged: changes === 'stat-all' ? undefined : (path) => (changes.has(path) ? undefined : keep(path, known.get(path))),
    prefetched: prefetched && ((path) => prefetched.get(path)),
    stamped: (path, stamp) => {
      const record = known.get(path);
      return record && record.size === stamp.size && record.mtimeMs === stamp.mtimeMs ? keep(path, record) : undefined;
    },
    onRecalled: (path) => {
      const record = known.get(path)!;
      if (!keeper.admitKnown({ bytes: record.bytes, passages: record.count, cutAtFileLimit: record.cutAtFileLimit })) {
        exact = false;
        return false;
      }
      kept.add(path);
      return !keeper.full;
    },
  });
  if (!exact) return 'The index budget is reached differently now';
  keeper.countNotRead(found.walk.notRead);
  signal.throwIfAborted();

  const gone = [...known.keys()].filter((path) => !kept.has(path));
  const changedFiles = new Set([...gone, ...found.read.keys(), ...found.binaries.keys()]).size;
  progress(changedFiles > 0 ? `Updating the index: ${changedFiles} changed ${changedFiles === 1 ? 'file' : 'files'}` : 'The index is up to date: no file changed');

  // From here on the index changes: no more aborting, so that it is never left half updated.
  const { index } = previous;
  const files = new Map<string, FileRecord>();
  for (const path of gone) {
    const record = known.get(path)!;
    if (record.kind === 'text') index.discard(record.firstId, record.count);
  }
  for (const path of kept) files.set(path, known.get(path)!);
  for (const [path, file] of found.read) {
    files.set(path, textRecord(file, index.nextId));
    index.add(file.passages);
  }
  for (const [path, stamp] of found.binaries) files.set(path, binaryRecord(stamp));
  // Only new passages bring new terms (termCount walks MiniSearch's whole term tree: skipped otherwise).
  if (found.read.size > 0 && index.termCount > keeper.limits.maxTerms) {
    // Counting terms per file is not kept; the index's own count (exact once vacuumed) tells instead.
    await index.vacuum();
    // Only new passages bring new terms (termCount walks MiniSearch's whole term tree: skipped otherwise).
  if (found.read.size > 0 && index.termCount > keeper.limits.maxTerms) {
      progress('The index holds more distinct terms than its budget: reading the workspace afresh');
      return buildFresh(options, signal, progress);
    }
  }
  return { state: { index, files, stats: statsOf(options, found.walk, index, files, keeper) }, changedFiles, fresh: false };
}

function textRecord(file: ReadFile, firstId: number): FileRecord {
  const { size, mtimeMs, bytes, cutAtFileLimit, overlongLines } = file;
  return { kind: 'text', size, mtimeMs, firstId, count: file.passages.length, bytes, cutAtFileLimit, overlongLines };
}

function binaryRecord(stamp: FileStamp): FileRecord {
  return { kind: 'binary', size: stamp.size, mtimeMs: stamp.mtimeMs, firstId: 0, count: 0, bytes: 0, cutAtFileLimit: false, overlongLines: 0 };
}

function statsOf(options: CorpusOptions, walk: WalkSummary, index: PassageIndex, files: ReadonlyMap<string, FileRecord>, keeper: IndexBudgetKeeper): CorpusState['stats'] {
  let overlongLines = 0;
  for (const record of files.values()) overlongLines += record.overlongLines;
  return {
    folder: basename(options.root),
    textFiles: walk.textFiles,
    passages: index.size,
    skipped: walk.skipped,
    overlongLines,
    truncated: walk.truncated,
    maxFileBytes: options.maxFileBytes,
    maxFiles: options.maxFiles,
    budget: keeper.snapshot(),
  };
}
