import { closeSync, constants, fsyncSync, openSync, writeSync } from 'node:fs';
import type { DispatcherEvent, Disposable, EventBus } from '../events';
import type { Plan } from '../plan';
import type { SecretRedactor } from '../secret-redactor';
import { JOURNAL_VERSION, type JournalRecord } from './records';

/** A record as written: the version is added by the writer. */
export type JournalEntry = JournalRecord extends infer R ? (R extends JournalRecord ? Omit<R, 'v'> : never) : never;

export interface JournalWriterOptions {
  /** The journal file; created if missing, otherwise appended to. */
  file: string;
  /** Called once, with the first error (e.g. a full disk); the writer then stops and the run goes on. */
  onError?: (error: unknown) => void;
  /** Upper bound on how long written records may sit unsynced (power loss only); default 1000 ms. */
  fsyncEveryMs?: number;
  /** Removes the run's keys from every record before it is written (see SecretRedactor). */
  redact?: SecretRedactor;
}

/**
 * Appends records to a run's journal, one JSON line each.
 *
 * Durability, decided: every record is handed to the operating system with a synchronous `write` on a
 * descriptor opened for appending, before the event that produced it returns. A process killed at any
 * instant (SIGKILL, a crash, a window reload) therefore leaves every record written so far in the
 * file — the kernel keeps written data when a process dies — and at worst one torn last line, which
 * the reader tolerates. `fsync`, which only matters if the machine itself loses power, runs after the
 * plan, replans, resumes and the end of the run, and otherwise at most once per `fsyncEveryMs`, so a
 * run of thousands of tasks does not wait on the disk for each event.
 */
export class JournalWriter {
  private fd: number | undefined;
  private lastSync = 0;
  private failed = false;
  private readonly fsyncEveryMs: number;

  private constructor(
    private readonly options: JournalWriterOptions,
    fd: number,
  ) {
    this.fd = fd;
    this.fsyncEveryMs = options.fsyncEveryMs ?? 1000;
  }

  /**
   * Opens (creating) the journal for appending. Throws if the file cannot be opened — also when it is
   * a symbolic link: a run folder comes with the folder researched, and a planted `journal.jsonl` link
   * must not make the run append to a file elsewhere.
   */
  static open(options: JournalWriterOptions): JournalWriter {
    return new JournalWriter(options, openSync(options.file, constants.O_WRONLY | constants.O_APPEND | constants.O_CREAT | constants.O_NOFOLLOW, 0o600));
  }

  get isOpen(): boolean {
    return this.fd !== undefined && !this.failed;
  }

  /** Writes one record and returns once the operating system has it. `sync` also flushes it to disk. */
  append(entry: JournalEntry, sync = false): void {
    if (this.fd === undefined || this.failed) return;
    try {
      const record = this.options.redact?.active ? this.options.redact.value(entry) : entry;
      const bytes = Buffer.from(`${JSON.stringify({ v: JOURNAL_VERSION, ...record })}\n`, 'utf8');
      // writeSync may write less than asked (large results, signals); keep going until all of it is out.
      let offset = 0;
      while (offset < bytes.length) offset += writeSync(this.fd, bytes, offset, bytes.length - offset);
      const now = Date.now();
      if (sync || now - this.lastSync >= this.fsyncEveryMs) {
        fsyncSync(this.fd);
        this.lastSync = now;
      }
    } catch (error) {
      this.failed = true;
      this.options.onError?.(error);
    }
  }

  /**
   * Journals the run's events. `currentPlan` gives the whole plan after a replan (the event only names
   * what changed). `restored` tasks were completed in an earlier session: the dispatcher announces them
   * again on resume, but their state and result are in the journal already.
   */
  attach(bus: EventBus, currentPlan: () => Plan, restored: ReadonlySet<string> = new Set()): Disposable {
    return bus.onAny((event) => {
      const entry = toEntry(event, currentPlan, restored);
      if (entry) this.append(entry, SYNC_AFTER.has(entry.type));
    });
  }

  close(): void {
    if (this.fd === undefined) return;
    const fd = this.fd;
    this.fd = undefined;
    try {
      if (!this.failed) fsyncSync(fd);
    } catch {
      // Nothing more can be done for the disk; the data is with the operating system.
    }
    closeSync(fd);
  }
}

const SYNC_AFTER = new Set<string>(['run:start', 'run:replan', 'run:end', 'resume']);

function toEntry(event: DispatcherEvent, currentPlan: () => Plan, restored: ReadonlySet<string>): JournalEntry | undefined {
  switch (event.type) {
    case 'run:start':
      return { type: 'run:start', runId: event.runId, question: event.question, plan: event.plan, at: event.at };
    case 'task:state':
      if (event.to === 'COMPLETED' && restored.has(event.taskId)) return undefined;
      return { type: 'task:state', taskId: event.taskId, from: event.from, to: event.to, reason: event.reason, attempt: event.attempt, at: event.at };
    case 'task:retry':
      return { type: 'task:retry', taskId: event.taskId, attempt: event.attempt, delayMs: event.delayMs, error: event.error, at: event.at };
    case 'task:result':
      if (restored.has(event.taskId)) return undefined;
      return { type: 'task:result', taskId: event.taskId, result: event.result, at: event.at };
    case 'run:replan':
      return { type: 'run:replan', added: event.added, dropped: event.dropped, kept: event.kept, plan: currentPlan(), at: event.at };
    case 'run:concurrency':
      return { type: 'run:concurrency', concurrency: event.concurrency, at: event.at };
    case 'run:end':
      return { type: 'run:end', outcome: event.outcome, stats: event.stats, at: event.at };
    case 'log':
      // Debug and info lines are for the live view; warnings and errors explain a run afterwards.
      return event.level === 'warn' || event.level === 'error' ? { type: 'log', level: event.level, message: event.message, at: event.at } : undefined;
    case 'task:progress':
      return undefined; // high-rate and transient: the state changes and results tell the story
  }
}
