import type { ChatMessage } from '../../providers/model/chat-model';
import { PermanentError, RetryableError, errorMessage } from '../../core/errors';
import { isRetryable } from '../../core/retry';

/**
 * What the VS Code language-model adapter decides, kept free of `vscode` so unit tests can drive it
 * with objects of the documented shapes (vscode.d.ts 1.99: LanguageModelChatMessage,
 * LanguageModelError with `code` "NoPermissions" | "Blocked" | "NotFound" | other, `cause`).
 * vscode-lm-chat-model.ts only turns these into API calls.
 */

/** A message as VS Code 1.99 can send it: there is no system role, only User and Assistant. */
export interface LmMessage {
  role: 'user' | 'assistant';
  content: string;
}

export const JSON_ONLY_INSTRUCTION = 'Answer with one JSON object and nothing else: no prose, no Markdown fence.';

/**
 * Chat messages for `sendRequest`. System messages become user messages (the API has no system role;
 * VS Code's own samples send instructions as the first user message), consecutive messages of one
 * role are merged so the turns alternate, and `json` adds an instruction since the API has no
 * response_format.
 */
export function toLmMessages(messages: readonly ChatMessage[], options: { json?: boolean } = {}): LmMessage[] {
  const out: LmMessage[] = [];
  for (const message of messages) {
    const role = message.role === 'assistant' ? 'assistant' : 'user';
    const last = out[out.length - 1];
    if (last && last.role === role) last.content = `${last.content}\n\n${message.content}`;
    else out.push({ role, content: message.content });
  }
  if (options.json) {
    const last = out[out.length - 1];
    if (last?.role === 'user') last.content = `${last.content}\n\n${JSON_ONLY_INSTRUCTION}`;
    else out.push({ role: 'user', content: JSON_ONLY_INSTRUCTION });
  }
  return out;
}

export interface LmSelector {
  vendor?: string;
  family?: string;
}

/** The selector for `vscode.lm.selectChatModels` from the settings; blank settings select nothing by that field. */
export function lmSelector(settings: { vendor?: string; family?: string }): LmSelector {
  const selector: LmSelector = {};
  if (settings.vendor?.trim()) selector.vendor = settings.vendor.trim();
  if (settings.family?.trim()) selector.family = settings.family.trim();
  return selector;
}

export function describeSelector(selector: LmSelector): string {
  const parts = [selector.vendor && `vendor "${selector.vendor}"`, selector.family && `family "${selector.family}"`].filter(Boolean);
  return parts.length ? parts.join(', ') : 'any vendor and family';
}

const HOW_TO_PICK =
  'Set research.lm.vendor and research.lm.family to one of the models VS Code offers (for GitHub Copilot: vendor "copilot", ' +
  'family e.g. "gpt-4o"; leave family empty for any), or install and sign in to an extension that provides language models';

/** No model matches the settings: which settings, what exists, and how to fix it. */
export function noModelError(selector: LmSelector, available: ReadonlyArray<{ vendor: string; family: string }>): PermanentError {
  const offered = available.length
    ? `VS Code offers: ${[...new Set(available.map((m) => `${m.vendor}/${m.family}`))].join(', ')}`
    : 'VS Code offers no language model at all (no extension providing one is installed and signed in)';
  return new PermanentError(`No VS Code language model matches ${describeSelector(selector)} (settings research.lm.vendor, research.lm.family). ${offered}. ${HOW_TO_PICK}.`);
}

/** The documented shape of vscode.LanguageModelError (and of any error, for the fallback). */
export interface LmErrorShape {
  name?: unknown;
  code?: unknown;
  message?: unknown;
  cause?: unknown;
}

/** How long to wait when the model says the extension is blocked (quota); VS Code gives no wait. */
export const BLOCKED_RETRY_MS = 60_000;

/**
 * A LanguageModelError (by its `code`) or any other failure of a request, as the dispatcher's errors:
 * - NoPermissions: the person did not allow this extension to use the model → permanent, says how to allow it;
 * - Blocked: quota or rate limit → retryable after BLOCKED_RETRY_MS;
 * - NotFound: the model went away → permanent, says how to pick one;
 * - anything else: retryable when its cause is (network, 429, 5xx), or when it says nothing about
 *   the request itself; permanent when the request was too large.
 */
export function mapLmError(error: unknown, modelName: string): Error {
  const e = (error ?? {}) as LmErrorShape;
  const detail = typeof e.message === 'string' && e.message ? ` (${e.message})` : '';
  switch (e.code) {
    case 'NoPermissions':
      return new PermanentError(
        `Research Dispatcher is not allowed to use the language model ${modelName}${detail}. Allow Research Dispatcher to use the language model when VS Code asks ` +
          '(run the research again and choose Allow), or grant it under the Accounts menu → Manage Language Model Access.',
        { cause: error },
      );
    case 'Blocked':
      return new RetryableError(`The language model ${modelName} is blocked for now, usually by a quota or rate limit${detail}; trying again later.`, BLOCKED_RETRY_MS, { cause: error });
    case 'NotFound':
      return new PermanentError(`The language model ${modelName} is no longer available${detail}. ${HOW_TO_PICK}.`, { cause: error });
  }
  const message = `The language model ${modelName} failed: ${errorMessage(error)}`;
  if (/token limit|too long|context length|maximum context|too many tokens/i.test(errorMessage(error))) return new PermanentError(message, { cause: error });
  // A cause with an HTTP status decides by that status, as for any endpoint.
  if (typeof (e.cause as { status?: unknown } | undefined)?.status === 'number') {
    return isRetryable(e.cause) ? new RetryableError(message, undefined, { cause: error }) : new PermanentError(message, { cause: error });
  }
  // An unspecified LanguageModelError is the model service failing, which is usually passing.
  if (e.name === 'LanguageModelError' || isRetryable(error)) return new RetryableError(message, undefined, { cause: error });
  return new PermanentError(message, { cause: error });
}

/** A rough token count (4 characters a token) for when the model cannot count. */
export function estimateTokens(text: string): number {
  return Math.ceil(text.length / 4);
}
