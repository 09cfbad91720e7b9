import type { RunMeta } from '../core/journal/run-meta';
import { modelConfigFromSettings } from './model/settings-config';
import type { ProviderSettings } from './create-provider';

/**
 * Where a run's text goes: its provider, the endpoints it talks to and where its searches look. A
 * resume compares the target the person configured now with the one the run's run.json names, and
 * acts only on the former. run.json comes with the folder researched, so a planted one could name any
 * endpoint (and any key variable): it is shown, never obeyed.
 */
export interface ProviderTarget {
  provider: string;
  /** Base URLs of the model endpoints, normalised, sorted. Empty for offline research. */
  endpoints: string[];
  /** Models named, for the message only (they decide nothing about where text goes). */
  models: string[];
  /** The search backend, with its URL when it has one ("searxng http://…"); "workspace" by default. */
  search: string;
}

/** The target of settings the person configured (flags, --models-config, the research.* settings). */
export function targetOfSettings(settings: ProviderSettings): ProviderTarget {
  const config = settings.provider === 'openai' ? (settings.modelConfig ?? modelConfigFromSettings(settings.model ?? {})) : undefined;
  const models = config ? [config.model, config.roles.planner, config.roles.researcher, config.roles.writer] : [];
  return {
    provider: settings.provider,
    endpoints: sortedUnique((config?.endpoints ?? []).map((e) => normaliseUrl(e.baseUrl))),
    models: sortedUnique(models.filter((m): m is string => typeof m === 'string')),
    search: searchOf(settings.provider === 'offline' ? undefined : settings.search),
  };
}

/**
 * The target a run's run.json records, read defensively (any shape is possible): undefined when it
 * records none. Never used to build a provider; only compared and shown.
 */
export function targetOfRecord(meta: RunMeta | undefined): ProviderTarget | undefined {
  if (!meta) return undefined;
  const recorded = meta.options.provider ?? {};
  const provider = typeof recorded.provider === 'string' ? recorded.provider : meta.providerId;
  const config = isObject(recorded.modelConfig) ? recorded.modelConfig : {};
  const endpoints = Array.isArray(config.endpoints) ? config.endpoints.filter(isObject).map((e) => (typeof e.baseUrl === 'string' ? normaliseUrl(e.baseUrl) : '(no URL)')) : [];
  const roles = isObject(config.roles) ? Object.values(config.roles) : [];
  const models = [config.model, ...roles].filter((m): m is string => typeof m === 'string');
  return {
    provider: printable(provider),
    endpoints: sortedUnique(endpoints),
    models: sortedUnique(models.map(printableModel)),
    search: searchOf(provider === 'offline' ? undefined : isObject(recorded.search) ? (recorded.search as ProviderSettings['search']) : undefined),
  };
}

/** Whether two targets send text to the same places (models may differ: they are not places). */
export function sameTarget(a: ProviderTarget, b: ProviderTarget): boolean {
  return a.provider === b.provider && a.search === b.search && a.endpoints.join('\n') === b.endpoints.join('\n');
}

/** "the openai provider at http://127.0.0.1:11434/v1 (model llama3.1)", for messages. */
export function describeTarget(target: ProviderTarget): string {
  if (target.provider === 'offline') return 'offline research (nothing is sent anywhere)';
  const where = target.endpoints.length > 0 ? ` at ${target.endpoints.join(', ')}` : '';
  const models = target.models.length > 0 ? ` (model${target.models.length > 1 ? 's' : ''} ${target.models.join(', ')})` : '';
  const search = target.search !== 'workspace' ? `, searching ${target.search}` : '';
  return `the ${printable(target.provider)} provider${where}${models}${search}`;
}

/** The hosts text would be sent to, for a confirmation ("api.openai.com, 127.0.0.1:11434"). */
export function hostsOf(target: ProviderTarget): string[] {
  return target.endpoints.map((url) => {
    try {
      return new URL(url).host;
    } catch {
      return url;
    }
  });
}

/**
 * The command that resumes the run with the target it was started with, typed on purpose: only for
 * one endpoint and one model (more need a --models-config file, which the message says instead).
 */
export function resumeCommandFor(runId: string, recorded: ProviderTarget): string | undefined {
  if (recorded.provider === 'offline') return `npm run research -- --resume ${runId} --provider offline`;
  if (recorded.provider !== 'openai' || recorded.endpoints.length !== 1 || recorded.models.length > 1) return undefined;
  const model = recorded.models[0] ? ` --model ${recorded.models[0]}` : ' --model <name>';
  const [backend, url] = recorded.search.split(' ');
  const search = recorded.search === 'workspace' ? '' : ` --search ${backend}${url ? ` --searxng-url ${url}` : ''}`;
  return `npm run research -- --resume ${runId} --provider openai --base-url ${recorded.endpoints[0]}${model}${search}`;
}

function searchOf(search: ProviderSettings['search'] | undefined): string {
  const backend = typeof search?.backend === 'string' ? printable(search.backend) : 'workspace';
  if (backend === 'searxng' && typeof search?.searxngUrl === 'string') return `searxng ${normaliseUrl(search.searxngUrl)}`;
  return backend;
}

/**
 * A URL as the WHATWG parser writes it (which escapes control characters and spaces), without a
 * trailing slash, and without credentials; what does not parse as http(s) is said to be invalid.
 */
function normaliseUrl(value: string): string {
  try {
    const url = new URL(value);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') return '(an invalid URL)';
    url.username = '';
    url.password = '';
    return url.href.replace(/\/+$/, '');
  } catch {
    return '(an invalid URL)';
  }
}

/** A name from a file, safe to print: letters, digits and a few marks only. */
function printable(value: string): string {
  return value.replace(/[^A-Za-z0-9._-]/g, '?').slice(0, 50);
}

/** A model name from a file, safe to print. */
function printableModel(value: string): string {
  return value.replace(/[^\w.:/@+-]/g, '?').slice(0, 100);
}

function sortedUnique(values: string[]): string[] {
  return [...new Set(values)].sort();
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
