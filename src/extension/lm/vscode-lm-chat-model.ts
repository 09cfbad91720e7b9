import * as vscode from 'vscode';
import type { ChatModel, ChatRequest, ChatResponse } from '../../providers/model/chat-model';
import { estimateTokens, lmSelector, mapLmError, noModelError, toLmMessages, type LmMessage } from './lm-translate';

export interface VscodeLmOptions {
  /** `research.lm.vendor`, e.g. "copilot"; blank for any. */
  vendor?: string;
  /** `research.lm.family`, e.g. "gpt-4o"; blank for any. */
  family?: string;
  /** `context.languageModelAccessInformation`: lets a refused consent fail before any request. */
  access?: vscode.LanguageModelAccessInformation;
}

const JUSTIFICATION = 'Research Dispatcher uses the language model to plan your research, read the sources it finds and write a cited report.';

/**
 * A ChatModel over VS Code's language models (`vscode.lm`). The model is looked up on every request,
 * since models come and go as extensions install and sign in. The first request shows VS Code's
 * consent dialog, so it must follow a user action (Research: Start is one). The decisions — message
 * mapping, error mapping, the no-model message — live in lm-translate.ts; this is the thin part.
 */
export function createVscodeLmChatModel(options: VscodeLmOptions): ChatModel {
  const selector = lmSelector(options);
  return {
    id: `vscode-lm:${selector.vendor ?? '*'}/${selector.family ?? '*'}`,
    complete: (request) => complete(selector, options.access, request),
  };
}

async function complete(selector: vscode.LanguageModelChatSelector, access: vscode.LanguageModelAccessInformation | undefined, request: ChatRequest): Promise<ChatResponse> {
  const { signal } = request;
  if (signal.aborted) throw signal.reason;
  const [model] = await vscode.lm.selectChatModels(selector);
  if (!model) {
    const available = await vscode.lm.selectChatModels();
    throw noModelError(selector, available);
  }
  const name = `"${model.name}" (${model.vendor}/${model.family})`;
  if (access?.canSendRequest(model) === false) throw mapLmError({ name: 'LanguageModelError', code: 'NoPermissions' }, name);

  const messages = toLmMessages(request.messages, { json: request.json }).map(toVscodeMessage);
  const cancellation = new vscode.CancellationTokenSource();
  const onAbort = () => cancellation.cancel();
  signal.addEventListener('abort', onAbort, { once: true });
  try {
    let text = '';
    try {
      const response = await model.sendRequest(messages, { justification: JUSTIFICATION }, cancellation.token);
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
    const inputTokens = await countAll(model, messages, request.messages.map((m) => m.content).join('\n'), cancellation.token);
    const outputTokens = await count(model, text, cancellation.token);
    return {
      text,
      usage: { inputTokens, outputTokens, estimated: true },
      model: `${model.vendor}/${model.family}`,
      endpoint: 'vscode-lm',
    };
  } finally {
    signal.removeEventListener('abort', onAbort);
    cancellation.dispose();
  }
}

function toVscodeMessage(message: LmMessage): vscode.LanguageModelChatMessage {
  return message.role === 'assistant' ? vscode.LanguageModelChatMessage.Assistant(message.content) : vscode.LanguageModelChatMessage.User(message.content);
}

async function count(model: vscode.LanguageModelChat, text: string, token: vscode.CancellationToken): Promise<number> {
  try {
    return await model.countTokens(text, token);
  } catch {
    return estimateTokens(text);
  }
}

async function countAll(model: vscode.LanguageModelChat, messages: vscode.LanguageModelChatMessage[], fallback: string, token: vscode.CancellationToken): Promise<number> {
  try {
    let total = 0;
    for (const message of messages) total += await model.countTokens(message, token);
    return total;
  } catch {
    return estimateTokens(fallback);
  }
}
