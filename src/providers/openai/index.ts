/** OpenAI-compatible endpoints (OpenAI, Ollama, LM Studio, vLLM, llama.cpp, gateways) over the `openai` SDK. */
export { NO_KEY_PLACEHOLDER, endpointKeyOrPlaceholder } from './api-key';
export { createOpenAIClient, OpenAIChatModel } from './openai-chat-model';
export { createOpenAIResearchProvider, DEFAULT_KEY_ENV, type OpenAIResearchProvider } from './openai-provider';
