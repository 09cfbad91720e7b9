import type { RetryPolicy } from '../../core/retry';
import type { ChatModel } from '../model/chat-model';
import { EndpointPool } from '../model/endpoint-pool';
import { endpointName, rolesOf, type EndpointConfig, type ModelConfig } from '../model/model-config';
import { createModelProvider, type ModelProvider } from '../model/model-provider';
import { routeModel } from '../model/model-router';
import type { SharedLimitsFactory } from '../model/shared-endpoint-state';
import type { SourceLibrary } from '../model/source-library';
import { endpointKeyOrPlaceholder } from './api-key';
import { createOpenAIClient, OpenAIChatModel } from './openai-chat-model';

export const DEFAULT_KEY_ENV = 'OPENAI_API_KEY';

export interface OpenAIProviderOptions {
  config: ModelConfig;
  sources: SourceLibrary;
  /** The key for an endpoint, or undefined: the CLI reads an environment variable, the extension SecretStorage. */
  keyFor(endpoint: EndpointConfig): string | undefined;
  /** What to tell the person when an endpoint has no key or refuses it. */
  howToSetKey?(endpoint: EndpointConfig): string;
  planningRetry?: Partial<RetryPolicy>;
  /** Workers: each endpoint's per-minute limits and 429 pauses shared through Redis. Default: this process only. */
  sharedLimits?: SharedLimitsFactory;
  /** For tests and proxies. */
  fetch?: typeof fetch;
}

export interface OpenAIResearchProvider extends ModelProvider {
  readonly pool: EndpointPool;
}

export function defaultHowToSetKey(endpoint: EndpointConfig): string {
  return `in VS Code run "Research: Set API Key" and choose "${endpointName(endpoint)}"; in a terminal set the ${endpoint.apiKeyEnv ?? DEFAULT_KEY_ENV} environment variable`;
}

/**
 * Model-backed research over OpenAI-compatible endpoints: one SDK client per endpoint, balanced by an
 * EndpointPool (load, health, rate limits), models chosen by role and task (routeModel). Keys are
 * resolved here, once: a host that needs a key and has none is a UsageError before anything runs.
 */
export function createOpenAIResearchProvider(options: OpenAIProviderOptions): OpenAIResearchProvider {
  const { config } = options;
  const howTo = options.howToSetKey ?? defaultHowToSetKey;
  const endpoints = config.endpoints.map((endpoint) => {
    const name = endpointName(endpoint);
    const howToSetKey = howTo(endpoint);
    const key = endpointKeyOrPlaceholder({ endpoint: name, baseUrl: endpoint.baseUrl, key: options.keyFor(endpoint), howToSet: howToSetKey });
    const client = createOpenAIClient({ baseUrl: endpoint.baseUrl, apiKey: key, fetch: options.fetch });
    const models = new Map<string, ChatModel>();
    const limits = { concurrency: endpoint.concurrency, requestsPerMinute: endpoint.requestsPerMinute, tokensPerMinute: endpoint.tokensPerMinute };
    return {
      name,
      models: endpoint.models,
      limits,
      shared: options.sharedLimits?.(name, endpoint.baseUrl, limits),
      chatModel(model: string): ChatModel {
        let chat = models.get(model);
        if (!chat) models.set(model, (chat = new OpenAIChatModel({ client, endpoint: name, model, howToSetKey, apiKey: key })));
        return chat;
      },
    };
  });
  const pool = new EndpointPool(endpoints, {
    health: { failuresBeforeOut: config.health.failuresBeforeOut, cooldownMs: config.health.cooldownSeconds * 1000 },
    maxPauseMs: config.maxRateLimitWaitSeconds * 1000,
  });
  const roles = rolesOf(config);
  const distinct = [...new Set([roles.planner, roles.researcher, roles.writer])];
  const label =
    distinct.length === 1
      ? `OpenAI-compatible (${endpoints.map((e) => e.name).join(', ')}: ${distinct[0]})`
      : `OpenAI-compatible (${endpoints.map((e) => e.name).join(', ')}: planner ${roles.planner}, researcher ${roles.researcher}, writer ${roles.writer})`;
  const provider = createModelProvider({
    chatModelFor: (purpose) => {
      const { model } = routeModel(config, purpose);
      return { chatModel: pool.chatModel(model), model };
    },
    sources: options.sources,
    prices: config.prices,
    budget: config.budget,
    label,
    id: 'openai',
    temperature: config.temperature,
    planningRetry: { ...options.planningRetry, maxRetryAfterMs: config.maxRateLimitWaitSeconds * 1000 },
  });
  return Object.assign(provider, { pool });
}
