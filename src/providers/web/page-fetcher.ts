import { lookup } from 'node:dns/promises';
import { BlockList, isIP } from 'node:net';
import { TextDecoder } from 'node:util';
import { formatSeconds, PermanentError, RetryableError } from '../../core/errors';
import { htmlTitle, htmlToPlainText, tidyText } from './clean-html';
import { type FetchLike, httpError, networkError, printableUrl, readCapped, readingBody } from './http';
import { formatBytes } from '../../core/format';

export interface PageFetchOptions {
  signal: AbortSignal;
  /** Pages larger than this are refused (default 2 MB). */
  maxBytes?: number;
  /** A page that has not loaded in this time is given up (retryably); default 20 s. */
  timeoutMs?: number;
  /** Redirects followed before giving up (default 5). */
  maxRedirects?: number;
  /**
   * Fetch pages on loopback, private and link-local addresses. Off by default: a search result must
   * not make the extension read a service on this machine or its network and hand it to a model.
   * Tests turn it on to talk to their loopback servers.
   */
  allowPrivateAddresses?: boolean;
  fetch?: FetchLike;
}

export interface FetchedPage {
  /** The URL asked for. */
  requestedUrl: string;
  /** Where the page was found, after redirects. */
  url: string;
  title: string;
  /** The readable text: cleaned HTML, or the plain text as sent. */
  text: string;
  contentType: string;
}

export const DEFAULT_MAX_PAGE_BYTES = 2 * 1024 * 1024;
const DEFAULT_MAX_REDIRECTS = 5;
export const DEFAULT_PAGE_TIMEOUT_MS = 20_000;
const SERVICE = 'the web page';
const TEXT_TYPES = /^(text\/html|application\/xhtml\+xml|text\/plain)$/i;

/**
 * Fetches one page of a search hit to read and store it. Only http(s); redirects are followed by
 * hand (each hop checked again) up to a bound; only HTML and plain text are read, at most `maxBytes`;
 * the signal ends it at any point, and so does `timeoutMs` (retryably). Failures a later attempt can fix (5xx, 429, network) are
 * retryable; the rest are permanent and say why the page was refused.
 */
export async function fetchPage(url: string, options: PageFetchOptions): Promise<FetchedPage> {
  const timeoutMs = options.timeoutMs ?? DEFAULT_PAGE_TIMEOUT_MS;
  // One slow page must not use up the whole attempt of the task that reads it.
  const signal = AbortSignal.any([options.signal, AbortSignal.timeout(timeoutMs)]);
  try {
    return await fetchWithin(url, options, signal);
  } catch (error) {
    if (options.signal.aborted) throw options.signal.reason;
    if (signal.aborted) throw new RetryableError(`${printableUrl(url)} did not load within ${formatSeconds(timeoutMs)}`, undefined, { cause: error });
    throw error;
  }
}

async function fetchWithin(url: string, options: PageFetchOptions, signal: AbortSignal): Promise<FetchedPage> {
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_PAGE_BYTES;
  const maxRedirects = options.maxRedirects ?? DEFAULT_MAX_REDIRECTS;
  const fetchFn = options.fetch ?? fetch;
  let current = await checkedUrl(url, options.allowPrivateAddresses ?? false);

  for (let hop = 0; ; hop++) {
    let response: Response;
    try {
      response = await fetchFn(current, {
        signal,
        redirect: 'manual',
        headers: { accept: 'text/html,application/xhtml+xml,text/plain;q=0.9', 'user-agent': 'ResearchDispatcher/0.1 (+VS Code extension)' },
      });
    } catch (error) {
      throw networkError(SERVICE, current, error, signal);
    }
    if (response.status >= 300 && response.status < 400 && response.status !== 304) {
      await response.body?.cancel().catch(() => undefined);
      const location = response.headers.get('location');
      if (!location) throw new PermanentError(`${printableUrl(current)} redirected (${response.status}) without saying where`);
      if (hop >= maxRedirects) throw new PermanentError(`${printableUrl(url)} redirected more than ${maxRedirects} times; not followed further`);
      current = await checkedUrl(new URL(location, current).href, options.allowPrivateAddresses ?? false);
      continue;
    }
    if (!response.ok) throw await httpError('The web page', response);
    return readingBody(SERVICE, current, signal, () => readPage(url, current, response, maxBytes));
  }
}

async function readPage(requestedUrl: string, url: URL, response: Response, maxBytes: number): Promise<FetchedPage> {
  const contentType = response.headers.get('content-type') ?? '';
  const mediaType = contentType.split(';')[0]!.trim().toLowerCase();
  if (!TEXT_TYPES.test(mediaType)) {
    await response.body?.cancel().catch(() => undefined);
    throw new PermanentError(`${printableUrl(url)} is ${mediaType || 'of no stated type'}, not HTML or plain text; not read`);
  }
  const declared = Number(response.headers.get('content-length'));
  if (Number.isFinite(declared) && declared > maxBytes) {
    await response.body?.cancel().catch(() => undefined);
    throw new PermanentError(`${printableUrl(url)} is ${formatBytes(declared)}, over the ${formatBytes(maxBytes)} limit; not read`);
  }
  const body = await readCapped(response, maxBytes);
  if (body.truncated) throw new PermanentError(`${printableUrl(url)} is over the ${formatBytes(maxBytes)} limit; not read`);
  const raw = decode(body.bytes, contentType, mediaType !== 'text/plain');
  if (raw.includes('\u0000')) throw new PermanentError(`${printableUrl(url)} says it is text but holds binary data; not read`);
  const html = mediaType !== 'text/plain';
  return {
    requestedUrl,
    url: url.href,
    title: html ? htmlTitle(raw) : '',
    text: html ? htmlToPlainText(raw) : tidyText(raw),
    contentType: mediaType,
  };
}

/** Decodes with the charset of the Content-Type, else (HTML) of a `<meta>` in the first 2 KB, else UTF-8. */
function decode(bytes: Uint8Array, contentType: string, html: boolean): string {
  const head = html ? new TextDecoder('latin1').decode(bytes.subarray(0, 2048)) : '';
  const charset =
    /charset\s*=\s*"?([\w.:-]+)/i.exec(contentType)?.[1] ??
    /<meta[^>]+charset\s*=\s*["']?\s*([\w.:-]+)/i.exec(head)?.[1];
  let decoder: TextDecoder;
  try {
    decoder = new TextDecoder(charset ?? 'utf-8');
  } catch {
    decoder = new TextDecoder('utf-8');
  }
  const text = decoder.decode(bytes);
  return decoder.encoding === 'windows-1252' ? text.replace(/[\x80-\x9f]/g, (c) => WINDOWS_1252[c.charCodeAt(0) - 0x80] || c) : text;
}

// Node 20 decodes windows-1252 (also what "latin1" and "iso-8859-1" mean on the web) as ISO-8859-1,
// leaving 0x80–0x9F as control characters; those bytes are its curly quotes, dashes and the euro sign.
const WINDOWS_1252 = '€\x81‚ƒ„…†‡ˆ‰Š‹Œ\x8dŽ\x8f\x90‘’“”•–—˜™š›œ\x9džŸ';


/** The URL if it may be fetched: http(s), no credentials, and (unless allowed) not a private address. */
async function checkedUrl(raw: string, allowPrivate: boolean): Promise<URL> {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new PermanentError(`"${raw.slice(0, 200)}" is not a URL`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new PermanentError(`only http and https pages are read; refused a ${url.protocol} URL`);
  }
  if (url.username || url.password) throw new PermanentError(`refused ${printableUrl(url)}: URLs with credentials are not fetched`);
  if (!allowPrivate) await refusePrivate(url);
  return url;
}

const PRIVATE = new BlockList();
for (const [net, prefix] of [
  ['0.0.0.0', 8], ['10.0.0.0', 8], ['100.64.0.0', 10], ['127.0.0.0', 8], ['169.254.0.0', 16],
  ['172.16.0.0', 12], ['192.168.0.0', 16], ['224.0.0.0', 3],
] as const) PRIVATE.addSubnet(net, prefix, 'ipv4');
for (const [net, prefix] of [['::', 127], ['fc00::', 7], ['fe80::', 10], ['ff00::', 8]] as const) PRIVATE.addSubnet(net, prefix, 'ipv6');

export function isPrivateAddress(address: string): boolean {
  const family = isIP(address);
  if (family === 4) return PRIVATE.check(address, 'ipv4');
  if (family !== 6) return false;
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address)?.[1];
  return mapped ? PRIVATE.check(mapped, 'ipv4') : PRIVATE.check(address, 'ipv6');
}

async function refusePrivate(url: URL): Promise<void> {
  const host = url.hostname.replace(/^\[|\]$/g, '').toLowerCase();
  const refuse = () => new PermanentError(`refused ${printableUrl(url)}: it is on this machine or a private network`);
  if (host === 'localhost' || host.endsWith('.localhost')) throw refuse();
  if (isIP(host)) {
    if (isPrivateAddress(host)) throw refuse();
    return;
  }
  let addresses: { address: string }[];
  try {
    addresses = await lookup(host, { all: true });
  } catch (error) {
    throw new RetryableError(`could not resolve ${host} (${(error as { code?: string }).code ?? 'DNS error'})`, undefined, { cause: error });
  }
  if (addresses.some((a) => isPrivateAddress(a.address))) throw refuse();
}
