import { mkdirSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { errorMessage, UsageError } from '../errors';
import type { Disposable, EventBus } from '../events';
import type { Plan } from '../plan';
import { SecretRedactor } from '../secret-redactor';
import { acquireRunLock, type RunLock } from './lock';
import { RUN_FILES } from './report-path';
import { assertRealRunDir } from './run-files';
import { JOURNAL_FILE } from './records';
import { RUN_META_VERSION, writeRunMeta, type RunMeta } from './run-meta';
import { JournalWriter } from './writer';
import { addUsage } from '../usage';

/** What a new run's session is opened with: the facts `run.json` starts with, and where to keep them. */
export type NewSessionParams = Pick<RunMeta, 'runId' | 'question' | 'root' | 'reportPath' | 'providerId' | 'providerLabel' | 'startedAt' | 'options'> & {
  runDir: string;
  onNotice?: (message: string) => void;
  /** Removes the run's keys from the journal and run.json (the provider's redactor). */
  redact?: SecretRedactor;
};

/**
 * What makes a run survive: its lock, its journal and its `run.json`, from the moment its plan is
 * known to its end. `attach` journals the run's events; the run's end updates `run.json`, closes the
 * journal and releases the lock.
 */
export class RunSession {
  private warn: (message: string) => void = () => undefined;
  private subscriptions: Disposable[] = [];
  private closed = false;

  private constructor(
    readonly runDir: string,
    private meta: RunMeta,
    private readonly lock: RunLock,
    private readonly writer: JournalWriter,
    /** Tasks completed in an earlier session (resume). */
    readonly restored: ReadonlySet<string>,
    /** Applied to every journal record and to run.json each time it is written. */
    private readonly redact: SecretRedactor,
  ) {}

  /** Creates the run's folder, takes its lock, writes `run.json` and opens the journal. */
  static create(params: NewSessionParams): RunSession {
    mkdirSync(params.runDir, { recursive: true });
    // A reused run id: the folder's own files must not be links or FIFOs planted with the folder.
    assertRealRunDir(params.runDir, RUN_FILES);
    const lock = acquireRunLock(params.runDir, params.runId, params.onNotice);
    try {
      // A new run never writes into another run's journal (a reused run id): that run may still be resumed.
      if ((statSync(path.join(params.runDir, JOURNAL_FILE), { throwIfNoEntry: false })?.size ?? 0) > 0) {
        throw new UsageError(`run ${params.runId} already exists in ${params.runDir}: resume it, or start a new run with another id`);
      }
      const meta: RunMeta = {
        version: RUN_META_VERSION,
        runId: params.runId,
        question: params.question,
        root: params.root,
        reportPath: params.reportPath,
        providerId: params.providerId,
        providerLabel: params.providerLabel,
        startedAt: params.startedAt,
        options: params.options,
        status: 'running',
      };
      const redact = params.redact ?? SecretRedactor.NONE;
      writeRunMeta(params.runDir, meta, redact);
      return RunSession.withWriter(params.runDir, meta, lock, new Set(), redact);
    } catch (error) {
      lock.release();
      throw error;
    }
  }

  /**
   * Continues a run whose lock the caller holds and whose journal ends cleanly (a torn tail already
   * cut off): appends a `resume` record and marks `run.json` running again.
   */
  static resume(
    runDir: string,
    meta: RunMeta,
    lock: RunLock,
    restored: ReadonlySet<string>,
    tornBytes?: number,
    redact: SecretRedactor = SecretRedactor.NONE,
    followUp?: string,
  ): RunSession {
    const now = Date.now();
    const next: RunMeta = {
      ...meta,
      status: 'running',
      outcome: undefined,
      endedAt: undefined,
      resumedAt: [...(meta.resumedAt ?? []), now],
      ...(followUp !== undefined ? { followUps: [...(meta.followUps ?? []), followUp] } : {}),
    };
    writeRunMeta(runDir, next, redact);
    const session = RunSession.withWriter(runDir, next, lock, restored, redact);
    session.writer.append({ type: 'resume', pid: process.pid, restored: [...restored], tornBytes, ...(followUp !== undefined ? { followUp } : {}), at: now }, true);
    return session;
  }

  private static withWriter(runDir: string, meta: RunMeta, lock: RunLock, restored: ReadonlySet<string>, redact: SecretRedactor): RunSession {
    let session: RunSession | undefined;
    const writer = JournalWriter.open({
      file: path.join(runDir, JOURNAL_FILE),
      redact,
      onError: (error) =>
        session?.warn(`the journal could not be written (${errorMessage(error)}); if this run is interrupted it cannot be resumed`),
    });
    session = new RunSession(runDir, meta, lock, writer, restored, redact);
    return session;
  }

  get journalFile(): string {
    return path.join(this.runDir, JOURNAL_FILE);
  }

  /** Journals the run's events until it ends; then records the outcome and lets go of the run. */
  attach(bus: EventBus, currentPlan: () => Plan): void {
    this.warn = (message) => bus.emit('log', { runId: this.meta.runId, level: 'warn', message, at: Date.now() });
    this.subscriptions.push(
      this.writer.attach(bus, currentPlan, this.restored),
      // onAny, registered after the writer's: handlers run in that order, so run:end is journalled first.
      bus.onAny((event) => {
        if (event.type !== 'run:end') return;
        const byState = event.stats.byState;
        this.meta = {
          ...this.meta,
          question: currentPlan().question,
          status: 'ended',
          outcome: event.outcome,
          endedAt: event.at,
          tasks: { total: event.stats.total, completed: byState.COMPLETED, failed: byState.FAILED, cancelled: byState.CANCELLED },
          // Every session's tokens and cost: a resumed or followed-up run costs what all its sessions did.
          usage: this.meta.usage ? addUsage(this.meta.usage, event.stats.usage) : event.stats.usage,
        };
        try {
          writeRunMeta(this.runDir, this.meta, this.redact);
        } catch (error) {
          this.warn(`run.json could not be updated (${errorMessage(error)}); the history reads the journal instead`);
        }
        this.close();
      }),
    );
  }

  /** Closes the journal and releases the lock; the run's end does this by itself. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const subscription of this.subscriptions) subscription.dispose();
    try {
      this.writer.close();
    } finally {
      this.lock.release();
    }
  }
}
