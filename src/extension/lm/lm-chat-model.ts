import type { ChatModel, ChatRequest, ChatResponse } from '../../providers/model/chat-model';
import { estimateTokens, lmSelector, mapLmError, noModelError, toLmMessages, type LmMessage, type LmSelector } from './lm-translate';

/**
 * A ChatModel over VS Code's language-model API, written against the API's documented shapes
 * (vscode.d.ts 1.99: `lm.selectChatModels`, `LanguageModelChat.sendRequest/countTokens`,
 * `LanguageModelChatResponse.text`, `CancellationTokenSource`) rather than the `vscode` module, so
 * unit tests can drive the whole flow with fakes. vscode-lm-chat-model.ts passes the real API in.
 */

/** The parts of a `LanguageModelChat` this uses. */
export interface LmChat<Message, Token> {
  readonly name: string;
  readonly vendor: string;
  readonly family: string;
  sendRequest(messages: Message[], options: { justification?: string }, token: Token): PromiseLike<{ text: AsyncIterable<string> }>;
  countTokens(text: string | Message, token: Token): PromiseLike<number>;
}

/** The parts of `vscode.lm` and friends this uses. */
export interface LmApi<Message, Token> {
  selectChatModels(selector?: LmSelector): PromiseLike<ReadonlyArray<LmChat<Message, Token>>>;
  /** `LanguageModelChatMessage.User` / `.Assistant`. */
  createMessage(message: LmMessage): Message;
  /** A `CancellationTokenSource`. */
  createCancellation(): { token: Token; cancel(): void; dispose(): void };
  /** `context.languageModelAccessInformation.canSendRequest`: false when the person refused consent. */
  canSendRequest?(model: LmChat<Message, Token>): boolean | undefined;
}

export const LM_JUSTIFICATION = 'Research Dispatcher uses the language model to plan your research, read the sources it finds and write a cited report.';

export function createLmChatModel<Message, Token>(api: LmApi<Message, Token>, settings: { vendor?: string; family?: string }): ChatModel {
  const selector = lmSelector(settings);
  return {
    id: `vscode-lm:${selector.vendor ?? '*'}/${selector.family ?? '*'}`,
    complete: (request) => complete(api, selector, request),
  };
}

async function complete<Message, Token>(api: LmApi<Message, Token>, selector: LmSelector, request: ChatRequest): Promise<ChatResponse> {
  const { signal } = request;
  if (signal.aborted) throw signal.reason;
  // Looked up on every request: models come and go as extensions install and sign in.
  const [model] = await api.selectChatModels(selector);
  if (!model) throw noModelError(selector, await api.selectChatModels());
  const name = `"${model.name}" (${model.vendor}/${model.family})`;
  if (api.canSendRequest?.(model) === false) throw mapLmError({ name: 'LanguageModelError', code: 'NoPermissions' }, name);
  if (signal.aborted) throw signal.reason;

  const messages = toLmMessages(request.messages, { json: request.json }).map((m) => api.createMessage(m));
  const cancellation = api.createCancellation();
  const onAbort = () => cancellation.cancel();
  signal.addEventListener('abort', onAbort, { once: true });
  try {
    let text = '';
    try {
      // The first request shows VS Code's consent dialog: it must follow a user action (Research: Start is one).
      const response = await model.sendRequest(messages, { justification: LM_JUSTIFICATION }, cancellation.token);
      for await (const piece of response.text) {
        if (signal.aborted) break;
        text += piece;
        request.onText?.(piece);
      }
    } catch (error) {
      if (signal.aborted) throw signal.reason;
      throw mapLmError(error, name);
    }
    if (signal.aborted) throw signal.reason;
    // The API reports no usage: count with the model's tokenizer, or estimate when it cannot.
    const inputTokens = await countTokens(model, messages, cancellation.token, () => estimateTokens(request.messages.map((m) => m.content).join('\n')));
    const outputTokens = await countTokens(model, [text], cancellation.token, () => estimateTokens(text));
    return { text, usage: { inputTokens, outputTokens, estimated: true }, model: `${model.vendor}/${model.family}`, endpoint: 'vscode-lm' };
  } finally {
    signal.removeEventListener('abort', onAbort);
    cancellation.dispose();
  }
}

async function countTokens<Message, Token>(model: LmChat<Message, Token>, items: Array<string | Message>, token: Token, fallback: () => number): Promise<number> {
  try {
    let total = 0;
    for (const item of items) total += await model.countTokens(item, token);
    return total;
  } catch {
    return fallback();
  }
}
