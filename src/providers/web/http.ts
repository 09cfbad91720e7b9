import { PermanentError, RetryableError } from '../../core/errors';
import { retryAfterMs } from '../../core/retry';
import { redact } from '../redact';

/**
 * What the web backends share: HTTP failures turned into the dispatcher's error classes, and bodies
 * read with a size cap. Messages name the service and what to fix, and never a key: request URLs
 * are printed without their query string, where some services would carry one.
 */

/** `fetch`, injectable so tests can count or fake requests; Node's global fetch by default. */
export type FetchLike = (input: string | URL, init?: RequestInit) => Promise<Response>;

/** The URL without query, fragment or credentials: safe to print. */
export function printableUrl(url: string | URL): string {
  try {
    const u = new URL(String(url));
    return `${u.protocol}//${u.host}${u.pathname}`;
  } catch {
    return '(invalid URL)';
  }
}

/**
 * The error for a response that is not OK. 408/409/425/429 and 5xx are retryable (with the wait the
 * server asked for, from Retry-After or `extraRetryAfterMs`); other 4xx are permanent, with `hint`
 * saying what to fix. The response body (a short excerpt) is included only when it is plain text
 * or JSON, since it is the server's own explanation.
 */
export async function httpError(
  service: string,
  response: Response,
  hints: Partial<Record<number | 'default', string>> = {},
  extraRetryAfterMs?: number,
  /** A key the server might echo back in its explanation: replaced before it reaches the message. */
  secret?: string,
): Promise<Error> {
  const detail = redact(await bodyExcerpt(response), [secret]);
  const status = `${response.status}${response.statusText ? ` ${response.statusText}` : ''}`;
  const hint = hints[response.status] ?? hints.default;
  const message = `${service} answered ${status} for ${printableUrl(response.url)}${detail ? `: ${detail}` : ''}${hint ? `. ${hint}` : ''}`;
  const code = response.status;
  if (code === 408 || code === 409 || code === 425 || code === 429 || code >= 500) {
    const wait = retryAfterMs({ headers: response.headers }) ?? extraRetryAfterMs;
    return Object.assign(new RetryableError(message, wait), { status: code });
  }
  return Object.assign(new PermanentError(message), { status: code });
}

async function bodyExcerpt(response: Response): Promise<string> {
  const type = response.headers.get('content-type') ?? '';
  if (!/json|text\/plain/i.test(type)) {
    await response.body?.cancel().catch(() => undefined);
    return '';
  }
  try {
    const text = (await readCapped(response, 4096)).text.replace(/\s+/g, ' ').trim();
    return text.length > 200 ? `${text.slice(0, 200)}…` : text;
  } catch {
    return '';
  }
}

/** A connection failure (refused, reset, DNS) as a retryable error that names the service; aborts pass through. */
export function networkError(service: string, url: string | URL, error: unknown, signal: AbortSignal): unknown {
  if (signal.aborted) return signal.reason;
  const cause = (error as { cause?: { code?: unknown; message?: unknown } } | undefined)?.cause;
  const why = typeof cause?.code === 'string' ? cause.code : typeof cause?.message === 'string' ? cause.message : String((error as Error)?.message ?? error);
  return new RetryableError(`could not reach ${service} at ${printableUrl(url)} (${why})`, undefined, { cause: error });
}

/**
 * Runs `read` (reading a body), turning a connection that breaks mid-body into a retryable error
 * that names the service; the dispatcher's own errors pass through, and an abort rethrows its reason.
 */
export async function readingBody<T>(service: string, url: string | URL, signal: AbortSignal, read: () => Promise<T>): Promise<T> {
  try {
    return await read();
  } catch (error) {
    if (signal.aborted) throw signal.reason;
    if (error instanceof PermanentError || error instanceof RetryableError) throw error;
    throw networkError(service, url, error, signal);
  }
}

/** Reads at most `maxBytes` of a body; `truncated` says whether more was there. Cancels the rest. */
export async function readCapped(response: Response, maxBytes: number): Promise<{ bytes: Uint8Array; text: string; truncated: boolean }> {
  const chunks: Uint8Array[] = [];
  let size = 0;
  let truncated = false;
  const reader = response.body?.getReader();
  if (reader) {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      if (size + value.byteLength > maxBytes) {
        chunks.push(value.subarray(0, maxBytes - size));
        size = maxBytes;
        truncated = true;
        await reader.cancel().catch(() => undefined);
        break;
      }
      chunks.push(value);
      size += value.byteLength;
    }
  }
  const bytes = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return { bytes, text: new TextDecoder().decode(bytes), truncated };
}

/** Parses a JSON body (at most `maxBytes`), or throws a permanent error naming the service. */
export async function readJson(service: string, response: Response, maxBytes = 8 * 1024 * 1024): Promise<unknown> {
  const { text, truncated } = await readCapped(response, maxBytes);
  if (truncated) throw new PermanentError(`${service} sent more than ${Math.round(maxBytes / 1024 / 1024)} MB of JSON; refusing to read it`);
  try {
    return JSON.parse(text);
  } catch {
    const type = response.headers.get('content-type') ?? 'no content type';
    throw new PermanentError(`${service} did not answer with JSON (${type}) at ${printableUrl(response.url)}`);
  }
}

/** A base URL checked to be http(s), with no credentials, query or fragment. */
export function baseUrl(service: string, setting: string, value: string | undefined): URL {
  let url: URL;
  try {
    url = new URL(String(value ?? '').trim());
  } catch {
    throw new PermanentError(`${service} needs a base URL such as http://localhost:8080 in ${setting}; got "${value ?? ''}"`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new PermanentError(`${service}'s URL in ${setting} must start with http:// or https://; got ${url.protocol}`);
  }
  if (url.username || url.password) {
    throw new PermanentError(`${service}'s URL in ${setting} must not contain a user name or password`);
  }
  url.search = '';
  url.hash = '';
  return url;
}

/** `base` with `path` appended to its own path (a base of http://h/searx gives http://h/searx/search). */
export function endpoint(base: URL, path: string): URL {
  const url = new URL(base);
  url.pathname = `${base.pathname.replace(/\/+$/, '')}/${path.replace(/^\/+/, '')}`;
  return url;
}
