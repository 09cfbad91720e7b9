import * as vscode from 'vscode';
import type { ChatModel } from '../../providers/model/chat-model';
import { createLmChatModel } from './lm-chat-model';

export interface VscodeLmOptions {
  /** `research.lm.vendor`, e.g. "copilot"; blank for any. */
  vendor?: string;
  /** `research.lm.family`, e.g. "gpt-4o"; blank for any. */
  family?: string;
  /** `context.languageModelAccessInformation`: a refused consent then fails before any request. */
  access?: vscode.LanguageModelAccessInformation;
  /** The model to use whatever the selector says: the one the person picked in the chat (request.model). */
  model?: vscode.LanguageModelChat;
}

/**
 * A ChatModel over VS Code's language models (`vscode.lm`). The thin part: it hands the real API to
 * createLmChatModel (lm-chat-model.ts), where the flow lives, and lm-translate.ts, where the
 * decisions (messages, errors, the no-model message) live.
 */
export function createVscodeLmChatModel(options: VscodeLmOptions): ChatModel {
  return createLmChatModel<vscode.LanguageModelChatMessage, vscode.CancellationToken>(
    {
      selectChatModels: (selector) => (options.model ? Promise.resolve([options.model]) : vscode.lm.selectChatModels(selector)),
      createMessage: (m) => (m.role === 'assistant' ? vscode.LanguageModelChatMessage.Assistant(m.content) : vscode.LanguageModelChatMessage.User(m.content)),
      createCancellation: () => new vscode.CancellationTokenSource(),
      canSendRequest: options.access ? (model) => options.access?.canSendRequest(model as vscode.LanguageModelChat) : undefined,
    },
    options,
  );
}
