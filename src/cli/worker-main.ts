import { printableLine, printableText } from '../core/control-chars';
import * as path from 'node:path';
import { DEFAULT_LIMITS } from '../core/defaults';
import { errorMessage, UsageError } from '../core/errors';
import { CONCURRENCY, LOCK_TIMEOUT_SECONDS } from '../core/limits';
import { TASK_KINDS, type TaskKind } from '../core/plan';
import { checkRedisReachable } from '../distributed/connection';
import { ResearchWorker } from '../distributed/research-worker';
import { parseRedisUrl } from '../distributed/redis-url';
import { integerOption, parseCommandLine, rangeOption, requireFolder } from './options';

export const WORKER_USAGE = `Usage: npm run worker -- --redis <url> [options]

Runs research subtasks for dispatchers started with --redis (or the research.redis.url setting),
on this machine, over its copy of the folder being researched.

Options:
  --redis <url>            the Redis the dispatchers use, e.g. redis://10.0.0.5:6379 (required);
                           the password may come from RESEARCH_REDIS_PASSWORD
  --capabilities <kinds>   the task kinds to take, comma-separated: ${TASK_KINDS.join(', ')} (default: all)
  --concurrency <n>        tasks at once on this worker (default: ${DEFAULT_LIMITS.concurrency})
  --dir <folder>           this machine's copy of the folder being researched (default: the current
                           folder); tasks over a folder of another name are refused
  --providers <names>      providers to run tasks for: offline, openai (default: both). Keys come
                           from this machine's environment (OPENAI_API_KEY, BRAVE_API_KEY)
  --lock-timeout <seconds> how soon another worker takes over the tasks of a worker that died
                           (default: 30; the lock is renewed every half of it while a task runs)
  -h, --help               show this help

Ctrl-C stops taking tasks and lets the running ones finish; a second Ctrl-C cancels them (they go back
to their queues for other workers).`;

export interface WorkerCliOptions {
  redis: string;
  capabilities: TaskKind[];
  concurrency: number;
  dir: string;
  providers: string[];
  lockMs: number;
  help: boolean;
}

export function parseWorkerArgs(argv: readonly string[], cwd: string): WorkerCliOptions {
  const { values } = parseCommandLine({
    args: [...argv],
    strict: true,
    options: {
      redis: { type: 'string' },
      capabilities: { type: 'string' },
      concurrency: { type: 'string' },
      dir: { type: 'string' },
      providers: { type: 'string' },
      'lock-timeout': { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) return { redis: '', capabilities: [], concurrency: 0, dir: cwd, providers: [], lockMs: 0, help: true };
  if (values.redis === undefined) throw new UsageError('--redis <url> is required, e.g. --redis redis://127.0.0.1:6379');
  const capabilities = list(values.capabilities, [...TASK_KINDS]);
  const unknown = capabilities.find((c) => !(TASK_KINDS as readonly string[]).includes(c));
  if (unknown !== undefined) throw new UsageError(`--capabilities: "${unknown}" is not a task kind (${TASK_KINDS.join(', ')})`);
  const providers = list(values.providers, ['offline', 'openai']);
  const badProvider = providers.find((p) => p !== 'offline' && p !== 'openai');
  if (badProvider !== undefined) throw new UsageError(`--providers: "${badProvider}" cannot run on a worker (offline, openai)`);
  const concurrency = integerOption('concurrency', values.concurrency, DEFAULT_LIMITS.concurrency, CONCURRENCY.min, CONCURRENCY.max);
  const lockSeconds = rangeOption('lock-timeout', values['lock-timeout'], 30, LOCK_TIMEOUT_SECONDS);
  return {
    redis: values.redis,
    capabilities: capabilities as TaskKind[],
    concurrency,
    dir: path.resolve(cwd, values.dir ?? '.'),
    providers,
    lockMs: lockSeconds * 1000,
    help: false,
  };
}

function list(value: string | undefined, fallback: string[]): string[] {
  if (value === undefined) return fallback;
  const items = value.split(',').map((s) => s.trim()).filter(Boolean);
  if (items.length === 0) throw new UsageError('an empty list: give at least one name');
  return items;
}

async function run(options: WorkerCliOptions): Promise<number> {
  await requireFolder(options.dir);
  const target = parseRedisUrl(options.redis);
  await checkRedisReachable(target);
  // Job data (task ids, queries) comes from whoever can write to the queue: one escaped line per message.
  const say = (level: string, message: string) => process.stderr.write(`${new Date().toISOString()} ${level.padEnd(5)} ${printableLine(message)}\n`);
  const worker = await ResearchWorker.start({
    target,
    capabilities: options.capabilities,
    concurrency: options.concurrency,
    root: options.dir,
    providers: options.providers,
    lockMs: options.lockMs,
    log: say,
  });
  return new Promise<number>((resolve) => {
    let stops = 0;
    const stop = (signal: string) => {
      stops++;
      say('info', stops === 1 ? `${signal}: finishing the running tasks, taking no new ones (again to cancel them)` : `${signal}: cancelling the running tasks`);
      void worker.stop({ abort: stops > 1, reason: `stopped by ${signal}` }).then(() => resolve(0));
    };
    process.on('SIGINT', () => stop('SIGINT'));
    process.on('SIGTERM', () => stop('SIGTERM'));
  });
}

export async function main(argv: readonly string[]): Promise<number> {
  try {
    const options = parseWorkerArgs(argv, process.env.INIT_CWD || process.cwd());
    if (options.help) {
      process.stdout.write(`${WORKER_USAGE}\n`);
      return 0;
    }
    return await run(options);
  } catch (error) {
    const usage = error instanceof UsageError;
    process.stderr.write(`worker: ${usage ? '' : 'failed: '}${printableText(errorMessage(error))}\n`);
    return usage ? 2 : 1;
  }
}

if (require.main === module) {
  main(process.argv.slice(2)).then((code) => {
    process.exit(code);
  });
}
