/** OpenAI-compatible endpoints (OpenAI, Ollama, LM Studio, vLLM, llama.cpp, gateways) over the `openai` SDK. */
export { checkBaseUrl, needsApiKey, NO_KEY_PLACEHOLDER, endpointKeyOrPlaceholder } from './api-key';
export { toDispatcherError } from './errors';
export { createOpenAIClient, OpenAIChatModel, type OpenAIChatModelOptions, type OpenAIClientOptions } from './openai-chat-model';
export { createOpenAIResearchProvider, DEFAULT_KEY_ENV, defaultHowToSetKey, type OpenAIProviderOptions, type OpenAIResearchProvider } from './openai-provider';
