import { resolve } from 'node:path';
import { DEFAULT_LIMITS } from '../core/defaults';
import { REPORT_DEPTHS, type ReportDepth } from '../core/report-depth';
import { UsageError } from '../core/errors';
import { BUDGET_TOKENS, BUDGET_USD, CONCURRENCY, MAX_RETRIES, MAX_TASKS, REDIS_GRACE_SECONDS, TIMEOUT_SECONDS } from '../core/limits';
import { integerOption, parseCommandLine, optionalRange, rangeOption } from './options';
import { checkBaseUrl } from '../providers/openai/api-key';
import { SEARCH_BACKENDS, type SearchBackendName } from '../providers/provider-names';

export const USAGE = `Usage: npm run research -- "<question>" [options]

Researches a question over the files of a folder and writes a cited Markdown report.
Works offline with no key: every statement in the report is a quote linked to its lines.

Options:
  --dir <folder>        folder to research (default: the folder you run the command in)
  --out <file>          where to write the report (default: <dir>/.research/<run-id>/report.md)
  --plan <plan.json>    run this plan instead of decomposing the question
  --review              show the plan and ask "Run this plan? [Y/n/e]" before anything runs (e edits
                        it as JSON in $EDITOR); needs a terminal
  --plan-only           make the plan, print it as JSON on stdout and exit: edit it, then --plan it
  --json                print one JSON event per line on stdout instead of the progress bar
  --concurrency <n>     subtasks running at once (default: ${DEFAULT_LIMITS.concurrency})
  --timeout <seconds>   per-attempt timeout of a subtask (default: ${DEFAULT_LIMITS.taskTimeoutSeconds})
  --max-retries <n>     retries after a retryable error (default: ${DEFAULT_LIMITS.maxRetries})
  --max-tasks <n>       refuse plans with more tasks than this (default: ${DEFAULT_LIMITS.maxTasks})
  --depth <depth>       how long the report is: brief (the answer and its citations), standard
                        (default: the answer, the evidence by facet, sources, statistics) or detailed
  --provider <name>     who does the work: offline (default) or openai
  --follow-up <run-id>  ask a follow-up on a finished run ("also compare with the tests"): its tasks
                        and evidence are kept, only the new searches run, and the report is written
                        again with a section for the follow-up
  --resume <run-id>     continue an interrupted run of --dir without redoing finished tasks; the
                        provider, endpoints and search are the ones typed now (a run's files never
                        choose them): a run started with others stops and says what to type
  --history             list the runs of --dir: question, date, outcome, tasks, cost
  --no-index-cache      read the whole folder afresh and keep no index between runs (by default the
                        index is cached in the user's cache folder, or RESEARCH_CACHE_DIR, and later
                        runs read only the files that changed; RESEARCH_NO_INDEX_CACHE=1 also turns it off)
  --redis <url>         run the subtasks on workers (npm run worker) through Redis, e.g.
                        redis://127.0.0.1:6379; the password may come from RESEARCH_REDIS_PASSWORD
  --redis-grace <seconds>  how long Redis may be unreachable mid-run before the tasks waiting on
                        it fail and the report is written (default: 30)
  -h, --help            show this help

Models (--provider openai: OpenAI, or any OpenAI-compatible server such as Ollama, LM Studio, vLLM):
  --base-url <url>      the endpoint (default: https://api.openai.com/v1), e.g. http://127.0.0.1:11434/v1
  --model <name>        the model for every role (planner, researcher, writer)
  --models-config <file.json>  endpoints, models by role, prices, limits and budget (see the README)
  --budget-usd <n>      stop starting new research as the cost nears this many US dollars
  --budget-tokens <n>   the same, in tokens
  The key is read from the OPENAI_API_KEY environment variable (never from the command line, which
  shell history keeps); a local server that needs no key works without it.

Web search (with --provider openai; the model reads the pages, every quote is checked against them):
  --search <backend>    where searches look: workspace (default), searxng or brave
  --searxng-url <url>   your SearXNG instance, e.g. http://localhost:8080 (with --search searxng)
  --allow-private-pages also read pages on this machine or a private network (an intranet)
  The Brave key is read from the BRAVE_API_KEY environment variable. Pages are stored with the run
  in <dir>/.research/<run-id>/sources/, and the report links each quote to the page and the copy.

Exit codes: 0 done, 1 the run failed or was partial, 2 bad usage or invalid plan, 130 cancelled (Ctrl-C).`;

export interface CliOptions {
  question?: string;
  dir: string;
  out?: string;
  plan?: string;
  json: boolean;
  /** --review: the person approves (or edits, or discards) the plan on the terminal before it runs. */
  review: boolean;
  /** --plan-only: print the plan as JSON and run nothing. */
  planOnly: boolean;
  concurrency: number;
  timeoutSeconds: number;
  maxRetries: number;
  maxTasks: number;
  /** --depth; undefined when not given (a resume keeps the run's own). */
  reportDepth?: ReportDepth;
  provider: string;
  /** --provider openai: where and which model; undefined when not given. */
  baseUrl?: string;
  model?: string;
  modelsConfig?: string;
  budgetUsd?: number;
  budgetTokens?: number;
  /** --search: workspace, searxng or brave; undefined when not given. */
  search?: SearchBackendName;
  searxngUrl?: string;
  allowPrivatePages: boolean;
  help: boolean;
  /** Run id to continue (--resume). */
  resume?: string;
  /** --follow-up <run-id> "<follow-up>": the run and the follow-up question (the positional words). */
  followUp?: { runId: string; text: string };
  /** --redis: run tasks on workers through this Redis (the URL as typed; parse with parseRedisUrl). */
  redis?: string;
  /** --redis-grace, in milliseconds. */
  redisGraceMs: number;
  /** List past runs (--history). */
  history: boolean;
  /** --no-index-cache: no index cache is read or written. */
  noIndexCache: boolean;
  /** Options typed on the command line, so a resume keeps the run's own settings for the others. */
  explicit: ReadonlySet<string>;
}

export const PROVIDERS = ['offline', 'openai'] as const;

/** Options that only a model provider uses. */
const MODEL_OPTIONS = ['base-url', 'model', 'models-config', 'budget-usd', 'budget-tokens', 'searxng-url'] as const;

/**
 * Parses the command line; throws a UsageError that says what to fix. Paths are resolved against
 * `cwd`, the folder the person ran the command in.
 */
export function parseCliArgs(argv: readonly string[], cwd: string): CliOptions {
  const keyFlag = argv.find((arg) => /^--(api-?key|key|token)(=|$)/i.test(arg));
  if (keyFlag) {
    throw new UsageError(
      `${keyFlag.split('=')[0]}: keys are never given on the command line (shell history and process lists keep them); set the OPENAI_API_KEY environment variable instead`,
    );
  }
  const parsed = parseCommandLine({
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
      depth: { type: 'string' },
      review: { type: 'boolean', default: false },
      'plan-only': { type: 'boolean', default: false },
      provider: { type: 'string' },
      'base-url': { type: 'string' },
      model: { type: 'string' },
      'models-config': { type: 'string' },
      'budget-usd': { type: 'string' },
      'budget-tokens': { type: 'string' },
      search: { type: 'string' },
      'searxng-url': { type: 'string' },
      'allow-private-pages': { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
      resume: { type: 'string' },
      'follow-up': { type: 'string' },
      history: { type: 'boolean', default: false },
      'no-index-cache': { type: 'boolean', default: false },
      redis: { type: 'string' },
      'redis-grace': { type: 'string' },
    },
  });
  const { values, positionals } = parsed;
  const timeout = rangeOption('timeout', values.timeout, DEFAULT_LIMITS.taskTimeoutSeconds, TIMEOUT_SECONDS);
  const provider = values.provider ?? 'offline';
  if (!(PROVIDERS as readonly string[]).includes(provider)) {
    throw new UsageError(`unknown provider "${provider}": available: ${PROVIDERS.join(', ')}`);
  }
  const search = values.search;
  if (search !== undefined && !(SEARCH_BACKENDS as readonly string[]).includes(search)) {
    throw new UsageError(`--search "${search}" is not one of ${SEARCH_BACKENDS.join(', ')}`);
  }
  if (values['searxng-url'] !== undefined && search !== 'searxng') throw new UsageError('--searxng-url goes with --search searxng');
  if (search === 'searxng' && values['searxng-url'] === undefined) {
    throw new UsageError('--search searxng needs --searxng-url <url>, e.g. --searxng-url http://localhost:8080');
  }
  // A resume takes the provider from run.json, so model options may come without --provider there.
  if (provider === 'offline' && values.resume === undefined) {
    const given = MODEL_OPTIONS.filter((name) => values[name] !== undefined);
    if (given.length > 0) throw new UsageError(`--${given[0]} needs a model provider: add --provider openai`);
    if (search !== undefined && search !== 'workspace') throw new UsageError(`--search ${search} needs a model to read the pages: add --provider openai`);
  }
  if (provider === 'openai' && values.model === undefined && values['models-config'] === undefined && values.resume === undefined) {
    throw new UsageError('--provider openai needs a model: add --model <name> (e.g. --model gpt-4o-mini, or --model llama3.1 for Ollama), or --models-config <file.json>');
  }
  if (values.model !== undefined && values.model.trim() === '') throw new UsageError('--model must not be empty');
  if (values['redis-grace'] !== undefined && values.redis === undefined) throw new UsageError('--redis-grace goes with --redis <url>');
  if (values.depth !== undefined && !(REPORT_DEPTHS as readonly string[]).includes(values.depth)) {
    throw new UsageError(`--depth "${values.depth}" is not one of ${REPORT_DEPTHS.join(', ')}`);
  }
  if (values.depth !== undefined && values.resume !== undefined) throw new UsageError('--depth is for a new run: a resumed run writes its report at the depth it was started with');
  if (values['plan-only'] && (values.plan !== undefined || values.resume !== undefined || values.review)) {
    throw new UsageError('--plan-only makes a plan and prints it: it goes with a question, not with --plan, --resume or --review');
  }
  if (values['follow-up'] !== undefined) {
    const clash = ['resume', 'plan', 'plan-only', 'review', 'depth'].find((name) => values[name as keyof typeof values] !== undefined && values[name as keyof typeof values] !== false);
    if (clash) throw new UsageError(`--follow-up continues a finished run with its own plan and depth: leave out --${clash}`);
    if (positionals.join(' ').trim() === '') throw new UsageError('--follow-up needs the follow-up question: npm run research -- --follow-up <run-id> "also compare with the tests"');
  }
  if (values.review && values.resume !== undefined) throw new UsageError('--review is for a new run: a resumed run goes on with the plan that was approved');
  const question = positionals.join(' ');
  return {
    question: question === '' || values['follow-up'] !== undefined ? undefined : question,
    dir: resolve(cwd, values.dir ?? '.'),
    out: values.out === undefined ? undefined : resolve(cwd, values.out),
    plan: values.plan === undefined ? undefined : resolve(cwd, values.plan),
    json: values.json ?? false,
    review: values.review ?? false,
    planOnly: values['plan-only'] ?? false,
    concurrency: integerOption('concurrency', values.concurrency, DEFAULT_LIMITS.concurrency, CONCURRENCY.min, CONCURRENCY.max),
    timeoutSeconds: timeout,
    maxRetries: integerOption('max-retries', values['max-retries'], DEFAULT_LIMITS.maxRetries, MAX_RETRIES.min, MAX_RETRIES.max),
    maxTasks: integerOption('max-tasks', values['max-tasks'], DEFAULT_LIMITS.maxTasks, MAX_TASKS.min, MAX_TASKS.max),
    reportDepth: values.depth as ReportDepth | undefined,
    provider,
    baseUrl: values['base-url'] === undefined ? undefined : checkBaseUrl(values['base-url']),
    model: values.model?.trim(),
    modelsConfig: values['models-config'] === undefined ? undefined : resolve(cwd, values['models-config']),
    budgetUsd: optionalRange('budget-usd', values['budget-usd'], BUDGET_USD),
    budgetTokens: optionalRange('budget-tokens', values['budget-tokens'], BUDGET_TOKENS),
    search: search as SearchBackendName | undefined,
    searxngUrl: values['searxng-url'] === undefined ? undefined : checkBaseUrl(values['searxng-url'], '--searxng-url'),
    allowPrivatePages: values['allow-private-pages'] ?? false,
    help: values.help ?? false,
    resume: values.resume,
    followUp: values['follow-up'] !== undefined ? { runId: values['follow-up'], text: question } : undefined,
    history: values.history ?? false,
    noIndexCache: values['no-index-cache'] ?? false,
    redis: values.redis,
    redisGraceMs: rangeOption('redis-grace', values['redis-grace'], 30, REDIS_GRACE_SECONDS) * 1000,
    explicit: new Set(Object.keys(values).filter((key) => argv.some((arg) => arg === `--${key}` || arg.startsWith(`--${key}=`)))),
  };
}
