import { closeSync, openSync, readFileSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import { hostname, uptime } from 'node:os';
import * as path from 'node:path';
import { MAX_SMALL_RUN_FILE_BYTES, readRunFile } from './run-files';
import { RunLockedError } from './errors';

export const LOCK_FILE = 'lock';

/** Who drives a run: written into `<run-dir>/lock`. */
export interface LockHolder {
  pid: number;
  hostname: string;
  /** Epoch milliseconds when the lock was taken. */
  startedAt: number;
}

export interface RunLock {
  readonly file: string;
  /** Removes the lock (only if it is still ours). Safe to call more than once. */
  release(): void;
}

export type LockStatus = { state: 'free' } | { state: 'held'; holder: LockHolder; sameHost: boolean } | { state: 'stale'; holder?: LockHolder };

/**
 * Keeps two processes from driving one run. The lock is a file created with O_EXCL holding the
 * holder's pid, host and start time. A lock is stale — taken over with a notice — when its process no
 * longer exists on this host, when it was taken before this machine last booted (the pid may since
 * belong to someone else), or when it is unreadable (its writer died before finishing it). A lock held
 * on another host is never taken over: that process cannot be checked from here.
 *
 * Hand-written rather than `proper-lockfile`, whose staleness is an mtime that must be refreshed on a
 * timer: a pid check needs no timer and notices a killed process at once.
 */
export function acquireRunLock(runDir: string, runId: string, onNotice: (message: string) => void = () => undefined): RunLock {
  const file = path.join(runDir, LOCK_FILE);
  const me: LockHolder = { pid: process.pid, hostname: hostname(), startedAt: Date.now() };
  const content = JSON.stringify(me);
  // A few rounds: a round after taking over a stale lock, or after the lock vanished meanwhile.
  for (let round = 0; round < 3; round++) {
    try {
      const fd = openSync(file, 'wx', 0o600);
      try {
        writeSync(fd, content);
      } catch (error) {
        // A full disk: an empty lock left behind would read as "unreadable" and block nothing useful.
        closeSync(fd);
        unlinkSync(file);
        throw error;
      }
      closeSync(fd);
      return ownLock(file, content);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const seen = readLockText(file);
    if (seen === undefined) continue; // released meanwhile: try again
    const status = lockStatusOf(seen);
    if (status.state === 'held') throw new RunLockedError(runId, status.holder, status.sameHost);
    if (!takeOverStale(file, seen)) continue;
    onNotice(
      status.holder
        ? `run ${runId} was left locked by process ${status.holder.pid}, which is no longer running; taking it over`
        : `run ${runId} had an unreadable lock file; taking it over`,
    );
  }
  throw new Error(`could not lock run ${runId}: another process keeps taking its lock`);
}

/** Whether a run's lock is free, held by a live process, or left behind by a dead one. */
export function runLockStatus(runDir: string): LockStatus {
  const text = readLockText(path.join(runDir, LOCK_FILE));
  return text === undefined ? { state: 'free' } : lockStatusOf(text);
}

/** The lock's text; a lock that is a link, a FIFO or huge (a planted one) is refused, never followed or waited on. */
function readLockText(file: string): string | undefined {
  return readRunFile(file, MAX_SMALL_RUN_FILE_BYTES)?.toString('utf8');
}

function lockStatusOf(text: string): Exclude<LockStatus, { state: 'free' }> {
  const holder = parseHolder(text);
  if (!holder) return { state: 'stale' };
  if (holder.hostname !== hostname()) return { state: 'held', holder, sameHost: false };
  const bootedAt = Date.now() - uptime() * 1000;
  if (holder.startedAt < bootedAt - 60_000) return { state: 'stale', holder };
  return isAlive(holder.pid) ? { state: 'held', holder, sameHost: true } : { state: 'stale', holder };
}

function parseHolder(text: string): LockHolder | undefined {
  try {
    const value = JSON.parse(text) as Partial<LockHolder>;
    if (typeof value.pid === 'number' && typeof value.hostname === 'string' && typeof value.startedAt === 'number') {
      return { pid: value.pid, hostname: value.hostname, startedAt: value.startedAt };
    }
  } catch {
    // unreadable: stale
  }
  return undefined;
}

function isAlive(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists but belongs to another user.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Moves the stale lock aside — rename is atomic, so of two processes taking over at once only one
 * moves a given file — and checks that what it moved is the stale lock it judged. If another process
 * had already replaced it with a fresh lock, that lock is put back and the caller looks again.
 */
function takeOverStale(file: string, seen: string): boolean {
  const aside = `${file}.stale-${process.pid}-${Date.now()}`;
  try {
    renameSync(file, aside);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw error;
  }
  const moved = readFileSync(aside, 'utf8');
  if (moved !== seen) {
    try {
      renameSync(aside, file);
    } catch {
      // the other process's lock is lost; it still runs and we refuse below
    }
    return false;
  }
  unlinkSync(aside);
  return true;
}

/** Locks this process holds, file → content, removed on exit if not released before. */
const held = new Map<string, string>();
let exitHookInstalled = false;

function ownLock(file: string, content: string): RunLock {
  held.set(file, content);
  if (!exitHookInstalled) {
    exitHookInstalled = true;
    // A process that exits without releasing (a second Ctrl-C, process.exit) still leaves no lock.
    process.once('exit', () => {
      for (const [f, c] of held) removeIfOurs(f, c);
    });
  }
  let released = false;
  return {
    file,
    release() {
      if (released) return;
      released = true;
      held.delete(file);
      removeIfOurs(file, content);
    },
  };
}

function removeIfOurs(file: string, content: string): void {
  try {
    if (readFileSync(file, 'utf8') === content) unlinkSync(file);
  } catch {
    // already gone
  }
}
