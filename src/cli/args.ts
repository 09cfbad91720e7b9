import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { UsageError } from '../core/errors';

export const USAGE = `Usage: npm run research -- "<question>" [options]

Researches a question over the files of a folder and writes a cited Markdown report.
Works offline with no key: every statement in the report is a quote linked to its lines.

Options:
  --dir <folder>        folder to research (default: the folder you run the command in)
  --out <file>          where to write the report (default: <dir>/.research/<run-id>/report.md)
  --plan <plan.json>    run this plan instead of decomposing the question
  --json                print one JSON event per line on stdout instead of the progress bar
  --concurrency <n>     subtasks running at once (default: 4)
  --timeout <seconds>   per-attempt timeout of a subtask (default: 120)
  --max-retries <n>     retries after a retryable error (default: 2)
  --max-tasks <n>       refuse plans with more tasks than this (default: 2000)
  --provider <name>     who does the work: offline (default)
  --resume <run-id>     continue an interrupted run of --dir without redoing finished tasks
  --history             list the runs of --dir: question, date, outcome, tasks, cost
  -h, --help            show this help

Exit codes: 0 done, 1 the run failed or was partial, 2 bad usage or invalid plan, 130 cancelled (Ctrl-C).`;

export interface CliOptions {
  question?: string;
  dir: string;
  out?: string;
  plan?: string;
  json: boolean;
  concurrency: number;
  timeoutSeconds: number;
  maxRetries: number;
  maxTasks: number;
  provider: string;
  help: boolean;
  /** Run id to continue (--resume). */
  resume?: string;
  /** List past runs (--history). */
  history: boolean;
  /** Options typed on the command line, so a resume keeps the run's own settings for the others. */
  explicit: ReadonlySet<string>;
}

export const PROVIDERS = ['offline'] as const;

function integer(name: string, value: string | undefined, fallback: number, min: number, max: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min || n > max) {
    throw new UsageError(`--${name} must be a whole number from ${min} to ${max}, not "${value}"`);
  }
  return n;
}

/**
 * Parses the command line; throws a UsageError that says what to fix. Paths are resolved against
 * `cwd`, the folder the person ran the command in.
 */
export function parseCliArgs(argv: readonly string[], cwd: string): CliOptions {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      allowPositionals: true,
      strict: true,
      options: {
        dir: { type: 'string' },
        out: { type: 'string' },
        plan: { type: 'string' },
        json: { type: 'boolean', default: false },
        concurrency: { type: 'string' },
        timeout: { type: 'string' },
        'max-retries': { type: 'string' },
        'max-tasks': { type: 'string' },
        provider: { type: 'string' },
        help: { type: 'boolean', short: 'h', default: false },
        resume: { type: 'string' },
        history: { type: 'boolean', default: false },
      },
    });
  } catch (error) {
    throw new UsageError(`${(error as Error).message.replace(/\. To specify a positional.*$/s, '')}; see --help`);
  }
  const { values, positionals } = parsed;
  const timeout = values.timeout === undefined ? 120 : Number(values.timeout);
  if (!Number.isFinite(timeout) || timeout <= 0) throw new UsageError(`--timeout must be a number of seconds above 0, not "${values.timeout}"`);
  const provider = values.provider ?? 'offline';
  if (!(PROVIDERS as readonly string[]).includes(provider)) {
    throw new UsageError(`unknown provider "${provider}": available: ${PROVIDERS.join(', ')}`);
  }
  const question = positionals.join(' ');
  return {
    question: question === '' ? undefined : question,
    dir: resolve(cwd, values.dir ?? '.'),
    out: values.out === undefined ? undefined : resolve(cwd, values.out),
    plan: values.plan === undefined ? undefined : resolve(cwd, values.plan),
    json: values.json ?? false,
    concurrency: integer('concurrency', values.concurrency, 4, 1, 256),
    timeoutSeconds: timeout,
    maxRetries: integer('max-retries', values['max-retries'], 2, 0, 20),
    maxTasks: integer('max-tasks', values['max-tasks'], 2000, 1, 1_000_000),
    provider,
    help: values.help ?? false,
    resume: values.resume,
    history: values.history ?? false,
    explicit: new Set(Object.keys(values).filter((key) => argv.some((arg) => arg === `--${key}` || arg.startsWith(`--${key}=`)))),
  };
}
