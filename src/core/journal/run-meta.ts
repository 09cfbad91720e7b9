import { randomBytes } from 'node:crypto';
import { renameSync, unlinkSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { findNodeAtLocation, parse, parseTree, printParseErrorCode, type ParseError } from 'jsonc-parser';
import * as z from 'zod';
import { UsageError } from '../errors';
import type { SecretRedactor } from '../secret-redactor';
import { CONCURRENCY, MAX_RETRIES, MAX_TASKS, TIMEOUT_SECONDS, type Range } from '../limits';
import { MAX_QUESTION_LENGTH } from '../question';
import { MAX_SMALL_RUN_FILE_BYTES, readRunFile } from './run-files';
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
  /** The follow-ups asked on the run, oldest first: each is a round of its own. */
  followUps?: string[];
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

/** Writes run.json atomically; `redact` removes the run's keys from it first (the question, the settings). */
export function writeRunMeta(runDir: string, meta: RunMeta, redact?: SecretRedactor): void {
  const file = path.join(runDir, RUN_META_FILE);
  const temp = `${file}.${process.pid}-${randomBytes(3).toString('hex')}.tmp`;
  try {
    writeFileSync(temp, `${JSON.stringify(redact?.active ? redact.value(meta) : meta, null, 2)}\n`, { encoding: 'utf8', mode: 0o600 });
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
export function recordReportPath(runDir: string, reportPath: string, redact?: SecretRedactor): void {
  const meta = readRunMeta(runDir);
  if (meta) writeRunMeta(runDir, { ...meta, reportPath }, redact);
}

/**
 * run.json as it may be read: the file comes with the folder researched, so every field is checked
 * (type and range) before anything shows or uses it. Nothing in it decides where text or keys go or
 * where files are written: the provider settings are shown and compared, never obeyed (see
 * providers/resume-target.ts), and the report path is used only inside the run's own folder.
 */
const finite = z.number().finite();
const integerIn = (range: Range) => z.number().int().min(range.min).max(range.max);
const count = z.number().int().min(0).max(10_000_000);
const runMetaSchema = z.object({
  version: z.number().int().min(1).max(RUN_META_VERSION),
  runId: z.string().max(200),
  question: z.string().max(MAX_QUESTION_LENGTH * 2),
  root: z.string().max(4096),
  reportPath: z.string().max(4096),
  providerId: z.string().max(100),
  providerLabel: z.string().max(1000),
  startedAt: finite,
  options: z.object({
    // The ranges the command line accepts (a run's settings were given there or in the settings).
    concurrency: integerIn(CONCURRENCY).optional(),
    taskTimeoutMs: z.number().min(TIMEOUT_SECONDS.min * 1000).max(TIMEOUT_SECONDS.max * 1000).optional(),
    maxRetries: integerIn(MAX_RETRIES).optional(),
    maxTasks: integerIn(MAX_TASKS).optional(),
    outputFolder: z.string().max(4096).optional(),
    provider: z.record(z.string(), z.unknown()).optional(),
  }),
  status: z.enum(['running', 'ended']),
  outcome: z.enum(['completed', 'partial', 'failed', 'cancelled']).optional(),
  endedAt: finite.optional(),
  tasks: z.object({ total: count, completed: count, failed: count, cancelled: count }).optional(),
  usage: z.object({ inputTokens: z.number().min(0), outputTokens: z.number().min(0), costUsd: z.number().min(0) }).optional(),
  resumedAt: z.array(finite).max(100_000).optional(),
  followUps: z.array(z.string().max(4000)).max(1000).optional(),
});

/** run.json exists but is not one this program wrote: the file, the line and what is wrong. */
export class RunMetaInvalidError extends UsageError {
  constructor(
    readonly file: string,
    readonly line: number,
    detail: string,
  ) {
    super(`${file} line ${line}: ${detail}. It was not written by Research Dispatcher (or was changed since): delete it to go on from the run's journal alone`);
    this.name = 'RunMetaInvalidError';
  }
}

/**
 * The run's metadata, or undefined when the folder has no run.json. A run.json that is malformed,
 * out of range, a link, a FIFO or huge is refused with a RunMetaInvalidError (or UnsafeRunFileError)
 * naming the file and line; a newer version's file is not ours to read and counts as missing.
 */
export function readRunMeta(runDir: string): RunMeta | undefined {
  const file = path.join(runDir, RUN_META_FILE);
  const bytes = readRunFile(file, MAX_SMALL_RUN_FILE_BYTES);
  if (bytes === undefined) return undefined;
  const text = bytes.toString('utf8');
  const errors: ParseError[] = [];
  const value: unknown = parse(text, errors, { allowTrailingComma: false, disallowComments: true });
  if (errors.length > 0) throw new RunMetaInvalidError(file, lineAt(text, errors[0]!.offset), `not valid JSON (${printParseErrorCode(errors[0]!.error)})`);
  const version = (value as { version?: unknown } | null)?.version;
  if (typeof version === 'number' && version > RUN_META_VERSION) return undefined;
  const parsed = runMetaSchema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const node = findNodeAtLocation(parseTree(text)!, issue.path as (string | number)[]);
    const where = issue.path.length > 0 ? `${issue.path.join('.')}: ` : '';
    throw new RunMetaInvalidError(file, lineAt(text, node?.offset ?? 0), `${where}${issue.message}`);
  }
  return parsed.data as RunMeta;
}

/** 1-based line of a character offset. */
function lineAt(text: string, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset && i < text.length; i++) if (text.charCodeAt(i) === 10) line++;
  return line;
}
