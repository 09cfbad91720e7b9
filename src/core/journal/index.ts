/**
 * Runs that survive: the journal of each run, its lock and metadata, and the history of past runs.
 * Front ends (CLI, extension, tree view) use these; none of it imports vscode.
 */
export * from './errors';
export { listRuns, runInfo, findRunDir, deleteRun, assertRunId, interruptedRuns, type RunInfo, type RunStatus } from './history';
export { acquireRunLock, runLockStatus, type LockHolder, type LockStatus, type RunLock } from './lock';
export { loadJournal, parseJournal, type LoadedJournal } from './reader';
export * from './records';
export { replayJournal, type ReplayedRun } from './replay';
export { readRunMeta, recordReportPath, RUN_META_FILE, type RunMeta, type RunSettings } from './run-meta';
export { RunSession } from './session';
export { JournalWriter, type JournalEntry } from './writer';
