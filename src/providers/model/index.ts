/**
 * Model-backed research, independent of who serves the model: the ResearchProvider, the endpoint pool
 * (load, health, rate limits), role routing, prices and budget, and the configuration shared by the
 * CLI and the extension. OpenAI-compatible endpoints are in ../openai; vscode.lm in the extension.
 */
export type { ChatMessage, ChatModel, ChatRequest, ChatResponse, ChatRole, ModelRole, TokenUsage } from './chat-model';
export { RequestRejectedError } from './chat-errors';
export { BudgetGuard, type Budget } from './budget-guard';
export { EndpointPool, type EndpointStatus, type PoolEndpoint, type PoolOptions } from './endpoint-pool';
export { EndpointLimiter, type EndpointLimits } from './endpoint-limiter';
export type { HoldReason, SharedEndpointState, SharedLimitsFactory, TakeResult } from './shared-endpoint-state';
export { EndpointHealth, DEFAULT_HEALTH, type HealthOptions } from './endpoint-health';
export { SOURCE_FENCE, type Fence } from '../fence';
export { endpointName, modelConfigSchema, parseModelConfig, rolesOf, type EndpointConfig, type ModelConfig, type ModelConfigInput, type ModelPrice } from './model-config';
export { createModelProvider, type ModelProvider, type ModelProviderOptions } from './model-provider';
export { routeModel, type CallPurpose } from './model-router';
export { costOf } from './pricing';
export { locateQuote } from '../quote-match';
export { redact } from '../redact';
export { DEFAULT_OPENAI_BASE_URL, modelConfigFromSettings, type ModelSettings } from './settings-config';
export { type SourceLibrary, type SourceSearchOptions, type SourceText } from './source-library';
export type { ModelChoice } from './task-meter';
export { createWorkspaceSources, type WorkspaceSourcesOptions } from './workspace-sources';
