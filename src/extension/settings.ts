import * as vscode from 'vscode';
import { UsageError } from '../core/errors';
import type { ProviderSettings } from '../providers/create-provider';
import { PROVIDER_IDS, SEARCH_BACKENDS, type ProviderId, type SearchBackendName } from '../providers/provider-names';
import { DEFAULT_LIMITS } from '../core/defaults';
import { clampToRange, CONCURRENCY, MAX_RETRIES, TIMEOUT_SECONDS } from '../core/limits';
import { DEFAULT_OUTPUT_FOLDER } from '../core/research';
import { DEFAULT_REPORT_DEPTH, REPORT_DEPTHS, type ReportDepth } from '../core/report-depth';

/**
 * Every `research.*` setting is read here, and only here; the defaults are package.json's (through
 * DEFAULT_LIMITS), the one place they are written. Read fresh for each run (concurrency and timeout
 * also during one).
 */
export interface ResearchSettings {
  concurrency: number;
  taskTimeoutMs: number;
  maxRetries: number;
  outputFolder: string;
  reportDepth: ReportDepth;
  /** Whether this run's plan waits for the person's review (research.reviewPlan: never, withModel, always). */
  reviewPlan: boolean;
  /** Where tasks run: workers through the Redis at this URL, or in this process when empty. */
  redisUrl: string;
}

export function readSettings(scope?: vscode.ConfigurationScope): ResearchSettings {
  const config = vscode.workspace.getConfiguration('research', scope);
  return {
    // The editor checks a setting's range only as a hint: a hand-edited value is moved into it.
    concurrency: Math.floor(clampToRange(CONCURRENCY, config.get<number>('concurrency', DEFAULT_LIMITS.concurrency))),
    taskTimeoutMs: clampToRange(TIMEOUT_SECONDS, config.get<number>('taskTimeoutSeconds', DEFAULT_LIMITS.taskTimeoutSeconds)) * 1000,
    maxRetries: Math.floor(clampToRange(MAX_RETRIES, config.get<number>('maxRetries', DEFAULT_LIMITS.maxRetries))),
    outputFolder: config.get<string>('outputFolder', DEFAULT_OUTPUT_FOLDER) || DEFAULT_OUTPUT_FOLDER,
    reportDepth: oneOf(REPORT_DEPTHS, config.get<string>('reportDepth'), DEFAULT_REPORT_DEPTH),
    reviewPlan: reviewsPlan(oneOf(['never', 'withModel', 'always'], config.get<string>('reviewPlan'), 'withModel'), config.get<string>('provider', 'offline')),
    redisUrl: readRedisUrl(scope),
  };
}

/** The limits a new run takes from the settings (a resume keeps its own). */
export function runLimitsOf(settings: ResearchSettings): { concurrency: number; taskTimeoutMs: number; maxRetries: number } {
  return { concurrency: settings.concurrency, taskTimeoutMs: settings.taskTimeoutMs, maxRetries: settings.maxRetries };
}

/** `research.redis.url`, trimmed; empty means tasks run in this process. Also read by the Workers view. */
export function readRedisUrl(scope?: vscode.ConfigurationScope): string {
  const value = vscode.workspace.getConfiguration('research', scope).get<unknown>('redis.url', '');
  return typeof value === 'string' ? value.trim() : '';
}

/** The `research.*` settings that choose the provider, as the plain settings createProviderFromSettings takes. */
export function readProviderSettings(scope?: vscode.ConfigurationScope): ProviderSettings {
  const config = vscode.workspace.getConfiguration('research', scope);
  const provider = config.get<string>('provider', 'offline') || 'offline';
  // A typo must not quietly fall back to offline research: say which setting to fix.
  if (!(PROVIDER_IDS as readonly string[]).includes(provider)) {
    throw new UsageError(`the setting research.provider is "${provider}", which is not a provider: use one of ${PROVIDER_IDS.join(', ')}`);
  }
  return {
    provider: provider as ProviderId,
    model: {
      openaiBaseUrl: config.get<string>('openai.baseUrl'),
      models: { planner: config.get<string>('models.planner'), researcher: config.get<string>('models.researcher'), writer: config.get<string>('models.writer') },
      endpoints: config.get<unknown[]>('endpoints', []),
      prices: config.get<Record<string, unknown>>('prices', {}),
      budgetUsd: config.get<number | null>('budgetUsd', null),
      budgetTokens: config.get<number | null>('budgetTokens', null),
    },
    search: { backend: searchBackend(config.get<string>('search.backend', 'workspace')), searxngUrl: config.get<string>('search.searxngUrl', '').trim() },
    lm: { vendor: config.get<string>('lm.vendor', 'copilot').trim(), family: config.get<string>('lm.family', '').trim() },
  };
}

/** `withModel` (the default) reviews when a model is used, so offline runs stay one step. */
function reviewsPlan(policy: 'never' | 'withModel' | 'always', provider: string): boolean {
  return policy === 'always' || (policy === 'withModel' && (provider || 'offline') !== 'offline');
}

/** A hand-edited value that is not one of `values` is the default. */
function oneOf<T extends string>(values: readonly T[], value: string | undefined, fallback: T): T {
  return (values as readonly string[]).includes(value ?? '') ? (value as T) : fallback;
}

/** An unknown search backend falls back to the workspace, the one that sends nothing anywhere. */
function searchBackend(name: string): SearchBackendName {
  return (SEARCH_BACKENDS as readonly string[]).includes(name) ? (name as SearchBackendName) : 'workspace';
}

/** Names from the endpoint list setting, `research.endpoints: [{ name }]` (read defensively: it is hand-edited JSON). */
export function readEndpointNames(): string[] {
  const endpoints = vscode.workspace.getConfiguration('research').get<unknown>('endpoints');
  if (!Array.isArray(endpoints)) return [];
  return endpoints.flatMap((e) => (e && typeof e === 'object' && typeof (e as { name?: unknown }).name === 'string' ? [(e as { name: string }).name] : []));
}
