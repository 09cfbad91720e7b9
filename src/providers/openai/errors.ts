import { APIConnectionError, APIConnectionTimeoutError, APIError } from 'openai';
import { errorMessage, PermanentError, RateLimitedError, RetryableError } from '../../core/errors';
import { isRetryable, retryAfterMs } from '../../core/retry';
import { RequestRejectedError } from '../model/chat-errors';
import { serverDetail } from '../redact';

export interface ErrorContext {
  /** The endpoint's name, as the person configured it. */
  endpoint: string;
  model: string;
  /** How to set the key, for a 401: e.g. "set it with Research: Set API Key or OPENAI_API_KEY". */
  howToSetKey: string;
  /** Strings that must never appear in a message (the key). */
  secrets: readonly string[];
}

/**
 * Turns what the `openai` SDK throws into the errors the dispatcher's retry layer understands, with
 * messages that say what to fix and never contain the key. 429 → RateLimitedError (the wait the server
 * asked for is kept); 408, 409, 425, 5xx, dropped connections, malformed answers → RetryableError;
 * 400, 401, 403, 404 and other 4xx → PermanentError.
 */
export function toDispatcherError(error: unknown, context: ErrorContext): Error {
  const at = `endpoint "${context.endpoint}"`;
  const detail = (text: string | undefined) => {
    const d = serverDetail(text, context.secrets);
    return d ? `: ${d}` : '';
  };
  if (error instanceof APIConnectionTimeoutError) {
    return new RetryableError(`${at} did not answer in time`, undefined, { cause: error });
  }
  if (error instanceof APIConnectionError) {
    return new RetryableError(`cannot reach ${at}${detail(causeText(error))}`, undefined, { cause: error });
  }
  if (error instanceof APIError) {
    const status = error.status;
    const wait = retryAfterMs(error);
    const said = detail(serverMessage(error));
    if (status === undefined) {
      // An error event inside a stream: the server gave up mid-answer.
      return new RetryableError(`${at} reported an error while answering${said}`, wait, { cause: error });
    }
    if (status === 429) return new RateLimitedError(`${at} is rate limiting (429)${said}`, wait, { cause: error });
    if (status === 401) {
      return new PermanentError(`${at} refused the API key (401): ${context.howToSetKey}`, { cause: error });
    }
    if (status === 403) {
      return new PermanentError(`${at} denied access (403)${said}: check that the key may use model "${context.model}"`, { cause: error });
    }
    if (status === 404) {
      return new PermanentError(
        `${at} has no model "${context.model}" or the base URL is wrong (404)${said}: check the model name and that the base URL ends in /v1`,
        { cause: error },
      );
    }
    if (status === 408 || status === 409 || status === 425 || status >= 500) {
      return new RetryableError(`${at} answered ${status}${said}`, wait, { cause: error });
    }
    return new RequestRejectedError(`${at} rejected the request (${status})${said}`, { cause: error });
  }
  if (error instanceof SyntaxError) {
    return new RetryableError(`${at} sent an answer that is not valid JSON`, undefined, { cause: error });
  }
  if (error instanceof RetryableError || error instanceof PermanentError) return error;
  const text = serverDetail(errorMessage(error), context.secrets);
  if (isRetryable(error) || error instanceof TypeError) {
    // fetch reports a dropped connection or a body cut short as a TypeError ("terminated").
    return new RetryableError(`the connection to ${at} failed: ${text}`, undefined, { cause: error });
  }
  return new PermanentError(`${at} failed: ${text}`, { cause: error });
}

/** The server's own words: the `error.message` of its JSON body, when it sent one. */
function serverMessage(error: APIError): string | undefined {
  const body = error.error as { message?: unknown } | undefined;
  if (body && typeof body === 'object' && typeof body.message === 'string') return body.message;
  return undefined;
}

function causeText(error: APIConnectionError): string | undefined {
  const cause = error.cause as { code?: unknown; message?: unknown } | undefined;
  const inner = (cause as { cause?: { code?: unknown } } | undefined)?.cause;
  const code = typeof inner?.code === 'string' ? inner.code : typeof cause?.code === 'string' ? cause.code : undefined;
  return code ?? (typeof cause?.message === 'string' ? cause.message : undefined);
}
