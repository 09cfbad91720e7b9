import { randomBytes } from 'node:crypto';
import { readFileSync, renameSync, unlinkSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import type { RunOutcome } from '../events';

export const RUN_META_FILE = 'run.json';
export const RUN_META_VERSION = 1;

/**
 * `<run-dir>/run.json`: what the history lists without reading the journal. Written when the run
 * starts and rewritten when it ends or is resumed, each time atomically (a temporary file renamed over
 * it), so it is always either the old or the new version. The journal remains the record of truth:
 * when this file is missing or unreadable, the history derives the same facts from the journal.
 */
export interface RunMeta {
  version: number;
  runId: string;
  question: string;
  /** The folder researched. */
  root: string;
  reportPath: string;
  providerId: string;
  providerLabel: string;
  startedAt: number;
  /** The settings a resume reuses unless told otherwise. Never keys or other secrets. */
  options: RunSettings;
  /** `running` until the run ends; a `running` run whose lock is stale was interrupted. */
  status: 'running' | 'ended';
  outcome?: RunOutcome;
  endedAt?: number;
  tasks?: { total: number; completed: number; failed: number; cancelled: number };
  usage?: { inputTokens: number; outputTokens: number; costUsd: number };
  /** When the run was resumed, oldest first. */
  resumedAt?: number[];
}

export interface RunSettings {
  concurrency?: number;
  taskTimeoutMs?: number;
  maxRetries?: number;
  maxTasks?: number;
  outputFolder?: string;
  /** What the provider was built from (ResearchProvider.settings), so a resume can rebuild it. No keys. */
  provider?: Readonly<Record<string, unknown>>;
}

export function writeRunMeta(runDir: string, meta: RunMeta): void {
  const file = path.join(runDir, RUN_META_FILE);
  const temp = `${file}.${process.pid}-${randomBytes(3).toString('hex')}.tmp`;
  try {
    writeFileSync(temp, `${JSON.stringify(meta, null, 2)}\n`, { encoding: 'utf8', mode: 0o600 });
    renameSync(temp, file);
  } catch (error) {
    try {
      unlinkSync(temp);
    } catch {
      // never written
    }
    throw error;
  }
}

/** Records where the report really went (it could not be written where asked), keeping the rest. */
export function recordReportPath(runDir: string, reportPath: string): void {
  const meta = readRunMeta(runDir);
  if (meta) writeRunMeta(runDir, { ...meta, reportPath });
}

/** The run's metadata, or undefined when the file is missing, unreadable or not ours. */
export function readRunMeta(runDir: string): RunMeta | undefined {
  try {
    const value = JSON.parse(readFileSync(path.join(runDir, RUN_META_FILE), 'utf8')) as Partial<RunMeta>;
    if (typeof value.runId !== 'string' || typeof value.question !== 'string' || typeof value.startedAt !== 'number') return undefined;
    if (typeof value.version !== 'number' || value.version > RUN_META_VERSION) return undefined;
    return value as RunMeta;
  } catch {
    return undefined;
  }
}
