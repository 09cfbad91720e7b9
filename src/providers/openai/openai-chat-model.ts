import OpenAI, { APIError } from 'openai';
import type { ChatCompletionCreateParamsNonStreaming, ChatCompletionCreateParamsStreaming } from 'openai/resources/chat/completions';
import { RetryableError } from '../../core/errors';
import type { ChatModel, ChatRequest, ChatResponse } from '../model/chat-model';
import { estimateTokens } from '../model/token-estimate';
import { toDispatcherError, type ErrorContext } from './errors';

/**
 * The SDK's own timeout only backs up the dispatcher's: each attempt's AbortSignal carries the real
 * per-attempt timeout, so this is merely "never hang forever".
 */
const SDK_TIMEOUT_MS = 60 * 60 * 1000;

export interface OpenAIClientOptions {
  baseUrl: string;
  /** The key, or the placeholder for servers that need none (see endpointKeyOrPlaceholder). */
  apiKey: string;
  /** For tests and proxies. */
  fetch?: typeof fetch;
}

/**
 * An SDK client for one endpoint. `maxRetries: 0`: the dispatcher's retry layer is the only one, so
 * every attempt is visible as a task state. The SDK's logging is off: it could print request details.
 */
export function createOpenAIClient(options: OpenAIClientOptions): OpenAI {
  return new OpenAI({
    baseURL: options.baseUrl,
    apiKey: options.apiKey,
    maxRetries: 0,
    timeout: SDK_TIMEOUT_MS,
    logLevel: 'off',
    ...(options.fetch ? { fetch: options.fetch } : {}),
  });
}

export interface OpenAIChatModelOptions {
  client: OpenAI;
  /** The endpoint's name, used in messages and ids (never its key). */
  endpoint: string;
  model: string;
  /** What a 401 tells the person to do. */
  howToSetKey: string;
  /** The key, so that no message can ever contain it. */
  apiKey?: string;
}

/** Optional request parameters some OpenAI-compatible servers reject; dropped once they do. */
type OptionalParam = 'response_format' | 'stream_options' | 'max_tokens' | 'temperature';

/**
 * A ChatModel over any OpenAI-compatible endpoint: OpenAI itself, Ollama, LM Studio, vLLM, llama.cpp,
 * gateways. Streams when the request wants text as it arrives; asks for a JSON object when the request
 * wants JSON. A server that rejects an optional parameter (response_format, stream_options, …) with a
 * 400 is asked once more without it, and the parameter is not sent to it again.
 */
export class OpenAIChatModel implements ChatModel {
  readonly id: string;
  private readonly unsupported = new Set<OptionalParam>();
  private readonly errors: ErrorContext;

  constructor(private readonly options: OpenAIChatModelOptions) {
    this.id = `openai:${options.model}@${options.endpoint}`;
    this.errors = {
      endpoint: options.endpoint,
      model: options.model,
      howToSetKey: options.howToSetKey,
      secrets: options.apiKey ? [options.apiKey] : [],
    };
  }

  async complete(request: ChatRequest): Promise<ChatResponse> {
    request.signal.throwIfAborted();
    for (let tries = 0; ; tries++) {
      try {
        return request.onText ? await this.stream(request) : await this.once(request);
      } catch (error) {
        // A cancel or timeout is the dispatcher's business: give it back its own reason.
        if (request.signal.aborted) throw request.signal.reason;
        const param = tries < 4 ? this.rejectedParam(error) : undefined;
        if (param) {
          this.unsupported.add(param);
          continue;
        }
        throw toDispatcherError(error, this.errors);
      }
    }
  }

  private params(request: ChatRequest) {
    const params = {
      model: this.options.model,
      messages: request.messages.map((m) => ({ role: m.role, content: m.content })),
      ...(request.temperature !== undefined && !this.unsupported.has('temperature') ? { temperature: request.temperature } : {}),
      ...(request.maxOutputTokens !== undefined && !this.unsupported.has('max_tokens') ? { max_tokens: request.maxOutputTokens } : {}),
      ...(request.json && !this.unsupported.has('response_format') ? { response_format: { type: 'json_object' as const } } : {}),
    };
    return params;
  }

  private async once(request: ChatRequest): Promise<ChatResponse> {
    const body: ChatCompletionCreateParamsNonStreaming = this.params(request);
    const completion = await this.options.client.chat.completions.create(body, { signal: request.signal });
    const choice = completion.choices?.[0];
    if (!choice) throw new RetryableError(`endpoint "${this.options.endpoint}" answered with no choices`);
    const text = choice.message?.content ?? '';
    return this.response(text, request, completion.usage ?? undefined, completion.model);
  }

  private async stream(request: ChatRequest): Promise<ChatResponse> {
    const body: ChatCompletionCreateParamsStreaming = {
      ...this.params(request),
      stream: true,
      ...(!this.unsupported.has('stream_options') ? { stream_options: { include_usage: true } } : {}),
    };
    const stream = await this.options.client.chat.completions.create(body, { signal: request.signal });
    let text = '';
    let finished = false;
    let usage: OpenAI.CompletionUsage | undefined;
    let model: string | undefined;
    for await (const chunk of stream) {
      model ??= chunk.model;
      if (chunk.usage) usage = chunk.usage;
      const choice = chunk.choices?.[0];
      const delta = choice?.delta?.content;
      if (delta) {
        text += delta;
        request.onText!(delta);
      }
      if (choice?.finish_reason) finished = true;
    }
    // The SDK ends the loop quietly when the signal aborts; a stream without a finish reason was cut.
    request.signal.throwIfAborted();
    if (!finished) {
      throw new RetryableError(`the answer from endpoint "${this.options.endpoint}" was cut off before it was complete`);
    }
    return this.response(text, request, usage, model);
  }

  private response(text: string, request: ChatRequest, usage: OpenAI.CompletionUsage | undefined, model: string | undefined): ChatResponse {
    const reported = usage && typeof usage.prompt_tokens === 'number' && typeof usage.completion_tokens === 'number';
    return {
      text,
      usage: reported
        ? { inputTokens: usage.prompt_tokens, outputTokens: usage.completion_tokens }
        : {
            inputTokens: estimateTokens(request.messages.map((m) => m.content).join('\n')),
            outputTokens: estimateTokens(text),
            estimated: true,
          },
      model: model || this.options.model,
      endpoint: this.options.endpoint,
    };
  }

  /** The optional parameter a 400 complains about, if it is one we can do without. */
  private rejectedParam(error: unknown): OptionalParam | undefined {
    if (!(error instanceof APIError) || (error.status !== 400 && error.status !== 422)) return undefined;
    const body = error.error as { message?: unknown; param?: unknown } | undefined;
    const text = `${typeof body?.message === 'string' ? body.message : ''} ${typeof body?.param === 'string' ? body.param : ''} ${error.message}`;
    const candidates: OptionalParam[] = ['response_format', 'stream_options', 'max_tokens', 'temperature'];
    return candidates.find((param) => !this.unsupported.has(param) && text.includes(param));
  }
}
