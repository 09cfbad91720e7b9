/**
 * The one seam between research code and a language model. The OpenAI-compatible client, VS Code's
 * language models and test fakes all implement it, so planners and task executors never know which
 * model answers. No retries happen behind it: a failed call throws, and the dispatcher's retry layer
 * decides (see core/retry.ts), so every attempt shows as a task state.
 */

export type ChatRole = 'system' | 'user' | 'assistant';

export interface ChatMessage {
  role: ChatRole;
  content: string;
}

/** What a task asks of a model. */
export interface ChatRequest {
  messages: ChatMessage[];
  /** Aborts the request; implementations must stop sending and reading at once. */
  signal: AbortSignal;
  /** Ask for a JSON object as the whole answer (response_format where the endpoint supports it). */
  json?: boolean;
  maxOutputTokens?: number;
  temperature?: number;
  /** Streams the answer: called with each piece of text as it arrives. */
  onText?: (delta: string) => void;
  /** Told what the request waits for before it is sent, e.g. a free slot on a busy endpoint. */
  onWait?: (message: string) => void;
}

export interface TokenUsage {
  inputTokens: number;
  outputTokens: number;
}

export interface ChatResponse {
  text: string;
  /** Reported by the endpoint, or estimated when it reports none (`estimated: true`). */
  usage: TokenUsage & { estimated?: boolean };
  /** The model that answered, e.g. "gpt-4o-mini" or "copilot/gpt-4o". */
  model: string;
  /** Which endpoint answered (a name, never a key or a URL with credentials). */
  endpoint: string;
}

export interface ChatModel {
  /** Stable, printable id, e.g. "openai:gpt-4o-mini@local". */
  readonly id: string;
  complete(request: ChatRequest): Promise<ChatResponse>;
}

/** The roles of seed 004: who plans, who reads sources, who writes the report. */
export type ModelRole = 'planner' | 'researcher' | 'writer';
