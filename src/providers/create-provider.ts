import * as path from 'node:path';
import { UsageError } from '../core/errors';
import type { ResearchProvider } from '../core/provider';
import { DEFAULT_OUTPUT_FOLDER } from '../core/research';
import { apiKeyEnvVar, type KeySources, resolveApiKey, secretStorageKey } from './api-keys';
import type { ChatModel } from './model/chat-model';
import { endpointName, parseModelConfig, type EndpointConfig, type ModelConfig } from './model/model-config';
import { createModelProvider } from './model/model-provider';
import { modelConfigFromSettings, type ModelSettings } from './model/settings-config';
import type { SharedLimitsFactory } from './model/shared-endpoint-state';
import type { SourceLibrary } from './model/source-library';
import { createWorkspaceSources } from './model/workspace-sources';
import { createOfflineProvider, type CorpusSource, type IndexBudget } from './offline';
import { createOpenAIResearchProvider, DEFAULT_KEY_ENV } from './openai';
import { redact, SecretRedactor } from './redact';
import { PROVIDER_IDS, SEARCH_BACKENDS, type ProviderId, type SearchBackendName } from './provider-names';
import { createWebSearchBackend, createWebSources } from './web';

export { PROVIDER_IDS, type ProviderId } from './provider-names';

/**
 * Everything that decides which provider a run uses, as plain data: the extension fills it from the
 * `research.*` settings, the CLI from its flags (a resume too: run.json never decides them; workers from
 * the job their dispatcher built). Never a key: keys come from
 * `keys` (SecretStorage, then the environment).
 */
export interface ProviderSettings {
  /** `research.provider` / `--provider`. */
  provider: ProviderId;
  /** openai: base URL, endpoints, models by role, prices, budget (the research.* settings). */
  model?: ModelSettings;
  /** openai, instead of `model`: a configuration already parsed (the CLI's flags and --models-config). */
  modelConfig?: ModelConfig;
  /** openai and vscode-lm: where searches find sources. Default: the workspace. */
  search?: {
    backend: SearchBackendName;
    /** `research.search.searxngUrl` / `--searxng-url`. */
    searxngUrl?: string;
    /** Overrides the Brave API's base URL (tests, proxies). */
    braveBaseUrl?: string;
    /** Read pages on loopback and private addresses (an intranet). Off by default. */
    allowPrivateAddresses?: boolean;
  };
  /** vscode-lm: `research.lm.vendor` / `research.lm.family`, for the label and run.json. */
  lm?: { vendor?: string; family?: string };
}

export interface CreateProviderOptions {
  settings: ProviderSettings;
  /** The folder researched. */
  root: string;
  /** `research.outputFolder`; default `.research`. */
  outputFolder?: string;
  /**
   * The run's folder (`<root>/<outputFolder>/<runId>`), where web pages are stored. Required with a
   * web search backend: create the run id first (newRunId) and pass it to research() too.
   */
  runDir?: string;
  /** Where keys come from: `{ secretGet: (k) => context.secrets.get(k), env: process.env }` in VS Code, `{ env: process.env }` in the CLI. */
  keys: KeySources;
  /** vscode-lm: the ChatModel from createVscodeLmChatModel (the extension makes it; this file never imports vscode). */
  chatModelForLm?: ChatModel;
  /**
   * openai, in a worker process: keeps each endpoint's per-minute limits and 429 pauses in Redis, shared
   * with every other worker (createSharedEndpointLimits). The CLI and the extension leave it out.
   */
  sharedLimits?: SharedLimitsFactory;
  /** For tests and proxies. */
  fetch?: typeof fetch;
  /** The offline index's limits, where the workspace is searched (tests: RESEARCH_INDEX_BUDGET in the CLI). Default DEFAULT_INDEX_BUDGET. */
  indexBudget?: IndexBudget;
  /** Where the offline index is cached between processes (the CLI: indexCacheDir(process.env)); default none. */
  indexCacheDir?: string;
  /** The workspace's corpus, kept by the caller across runs (the extension's registry); see OfflineProviderOptions. */
  workspaceIndex?: CorpusSource;
}

/**
 * The one way a provider is built, for the extension, the CLI and resume alike: offline, OpenAI-
 * compatible endpoints, or VS Code's language models, with sources from the workspace or a web search
 * backend. Keys are resolved here, before anything runs; a missing one is a UsageError that says
 * where to set it. The provider's `settings` (kept in run.json) are `settings` without anything secret,
 * and its `redactor` removes every key resolved here (endpoints' and the search API's) from what the
 * run records.
 */
export async function createProviderFromSettings(options: CreateProviderOptions): Promise<ResearchProvider> {
  const { settings } = options;
  const root = path.resolve(options.root);
  const outputFolder = options.outputFolder ?? DEFAULT_OUTPUT_FOLDER;
  switch (settings.provider) {
    case 'offline':
      if (settings.search && settings.search.backend !== 'workspace') {
        throw new UsageError(`web search (${settings.search.backend}) needs a model to read the pages: use the openai or vscode-lm provider, or search the workspace`);
      }
      return Object.assign(createOfflineProvider({ root, outputFolder, ...corpusOptions(options) }), { settings: { provider: 'offline' } });
    case 'openai': {
      const config = settings.modelConfig ?? modelConfigFromSettings(settings.model ?? {});
      const keys = await endpointKeys(config, options.keys);
      const sources = await sourcesFor(options, root, outputFolder);
      const redactor = SecretRedactor.of([...keys.values(), await searchKey(options)]);
      const provider = createOpenAIResearchProvider({
        config,
        sources,
        keyFor: (endpoint) => keys.get(endpoint),
        sharedLimits: options.sharedLimits,
        fetch: options.fetch,
      });
      return Object.assign(provider, { settings: recordedSettings(settings, config), ...(redactor.active && { redactor }) });
    }
    case 'vscode-lm': {
      const chatModel = options.chatModelForLm;
      if (!chatModel) throw new UsageError('the vscode-lm provider runs only inside VS Code, which supplies the language model');
      const sources = await sourcesFor(options, root, outputFolder);
      const lm = settings.lm ?? {};
      const which = [lm.vendor, lm.family].filter((s) => s?.trim()).join('/') || 'any model';
      const redactor = SecretRedactor.of([await searchKey(options)]);
      const provider = createModelProvider({
        id: 'vscode-lm',
        label: `VS Code language model (${which})`,
        chatModelFor: () => ({ chatModel, model: chatModel.id }),
        sources,
      });
      return Object.assign(provider, { settings: recordedSettings(settings), ...(redactor.active && { redactor }) });
    }
    default:
      throw new UsageError(`unknown provider "${String((settings as { provider: unknown }).provider)}": use one of ${PROVIDER_IDS.join(', ')}`);
  }
}

/** How the workspace's corpus is kept: the same for the offline provider and model research over the workspace. */
function corpusOptions(options: CreateProviderOptions) {
  return { indexBudget: options.indexBudget, indexCacheDir: options.indexCacheDir, workspaceIndex: options.workspaceIndex };
}

/** Where searches read: the workspace index, or pages a web backend finds, stored in the run's folder. */
async function sourcesFor(options: CreateProviderOptions, root: string, outputFolder: string): Promise<SourceLibrary> {
  const search = options.settings.search ?? { backend: 'workspace' };
  const backend = await createWebSearchBackend({ ...search, fetch: options.fetch }, options.keys);
  if (!backend) return createWorkspaceSources({ root, outputFolder, ...corpusOptions(options) });
  if (!options.runDir) throw new UsageError(`web search (${search.backend}) needs the run's folder to store the pages it reads: pass runDir`);
  return createWebSources({ backend, runDir: options.runDir, root, allowPrivateAddresses: search.allowPrivateAddresses, fetch: options.fetch });
}

/** The web search API's key (Brave's), which sourcesFor's backend was given; undefined for the others. */
async function searchKey(options: CreateProviderOptions): Promise<string | undefined> {
  return options.settings.search?.backend === 'brave' ? resolveApiKey('brave', options.keys) : undefined;
}

/**
 * Each endpoint's key, looked up once: SecretStorage under the endpoint's name, then under "openai",
 * then its `apiKeyEnv`,
 * else the variable named after it (RESEARCH_<NAME>_API_KEY) and OPENAI_API_KEY. An endpoint with no
 * key gets none (a local server needs none; api.openai.com is refused with what to set).
 */
async function endpointKeys(config: ModelConfig, keys: KeySources): Promise<Map<EndpointConfig, string | undefined>> {
  const found = new Map<EndpointConfig, string | undefined>();
  for (const endpoint of config.endpoints) {
    const name = endpointName(endpoint);
    // An unnamed endpoint is named by its host (and port), which is no key name: "openai" serves them all.
    const names = [...(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/.test(name) && name !== 'openai' ? [name] : []), 'openai'];
    let stored: string | undefined;
    for (const n of names) stored ||= (await keys.secretGet?.(secretStorageKey(n)))?.trim();
    const envVars = endpoint.apiKeyEnv ? [endpoint.apiKeyEnv] : [apiKeyEnvVar(name), DEFAULT_KEY_ENV];
    const fromEnv = envVars.map((v) => keys.env?.[v]?.trim()).find((v) => v);
    found.set(endpoint, stored || fromEnv || undefined);
  }
  return found;
}

/** The settings as run.json keeps them: the parsed model configuration (it holds no keys, only the names of variables), no test hooks. */
function recordedSettings(settings: ProviderSettings, config?: ModelConfig): Record<string, unknown> {
  const search = settings.search && {
    backend: settings.search.backend,
    ...(settings.search.searxngUrl && { searxngUrl: settings.search.searxngUrl }),
    ...(settings.search.allowPrivateAddresses && { allowPrivateAddresses: true }),
  };
  const json = JSON.stringify({ provider: settings.provider, ...(config && { modelConfig: config }), ...(search && { search }), ...(settings.lm && { lm: settings.lm }) });
  // Belt and braces: a URL with credentials or a key-like token typed into a setting is not kept.
  return JSON.parse(redact(json)) as Record<string, unknown>;
}

/**
 * run.json's provider settings (RunSettings.provider; or just its `providerId` for runs recorded
 * before), read defensively — the file is ours, but may come from another version or be edited.
 * What is missing or unknown is left out; the caller fills it from its own settings.
 */
export function recordedProviderSettings(recorded: Readonly<Record<string, unknown>>): Partial<ProviderSettings> {
  const provider = typeof recorded.provider === 'string' && (PROVIDER_IDS as readonly string[]).includes(recorded.provider) ? (recorded.provider as ProviderId) : undefined;
  const search = recorded.search as ProviderSettings['search'] | undefined;
  const modelConfig = recorded.modelConfig as ModelConfig | undefined;
  const lm = recorded.lm as ProviderSettings['lm'] | undefined;
  return {
    ...(provider && { provider }),
    ...(search && typeof search === 'object' && (SEARCH_BACKENDS as readonly string[]).includes(search.backend) && { search }),
    ...(modelConfig && typeof modelConfig === 'object' && { modelConfig: parseModelConfig(modelConfig, "the run's recorded model settings (run.json)") }),
    ...(lm && typeof lm === 'object' && { lm }),
  };
}
