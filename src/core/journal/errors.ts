import { UsageError } from '../errors';

/**
 * Why a run cannot be resumed or read. They are UsageErrors: each message says what to do, and the
 * CLI prints it without a stack and exits 2.
 */

export class JournalCorruptError extends UsageError {
  constructor(
    readonly file: string,
    readonly line: number,
    detail: string,
  ) {
    super(
      `the journal ${file} is damaged at line ${line} (${detail}); lines after a crash are only ever torn at the end, so something else changed this file: restore it from a backup or start a new run`,
    );
    this.name = 'JournalCorruptError';
  }
}

export class JournalVersionError extends UsageError {
  constructor(
    readonly file: string,
    readonly version: number,
    readonly supported: number,
  ) {
    super(
      `the journal ${file} was written by a newer version of Research Dispatcher (journal version ${version}; this version reads up to ${supported}): update Research Dispatcher to resume this run`,
    );
    this.name = 'JournalVersionError';
  }
}

export class RunNotFoundError extends UsageError {
  constructor(
    readonly runId: string,
    readonly folder: string,
    readonly closest: readonly string[],
  ) {
    super(
      `there is no run "${runId}" in ${folder}` +
        (closest.length > 0 ? `; did you mean ${closest.map((id) => `"${id}"`).join(', ')}?` : '; it holds no runs') +
        ' (npm run research -- --history lists them)',
    );
    this.name = 'RunNotFoundError';
  }
}

export class RunLockedError extends UsageError {
  constructor(
    readonly runId: string,
    readonly holder: { pid: number; hostname: string },
    readonly sameHost: boolean,
  ) {
    super(
      sameHost
        ? `run ${runId} is being driven by process ${holder.pid}; stop it or wait for it to finish`
        : `run ${runId} is being driven by process ${holder.pid} on ${holder.hostname}; stop it there, or if that machine is gone, delete the run's "lock" file`,
    );
    this.name = 'RunLockedError';
  }
}

export class NothingToResumeError extends UsageError {
  constructor(
    readonly runId: string,
    readonly reason: string,
  ) {
    super(`run ${runId} cannot be resumed: ${reason}`);
    this.name = 'NothingToResumeError';
  }
}
