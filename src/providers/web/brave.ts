import { PermanentError } from '../../core/errors';
import { type SearchBackend, type SearchHit, type SearchOptions, webHits } from './search-backend';
import { baseUrl, endpoint, type FetchLike, httpError, networkError, readingBody, readJson } from './http';

export interface BraveOptions {
  /** The subscription token: from SecretStorage ("Research: Set API Key" → brave) or `BRAVE_API_KEY`. */
  apiKey: string;
  /** Overridable so tests can talk to a loopback server. */
  baseUrl?: string;
  fetch?: FetchLike;
}

export const BRAVE_BASE_URL = 'https://api.search.brave.com';
const SERVICE = 'Brave Search';
/** The API answers at most 20 web results per request. */
const MAX_COUNT = 20;

/**
 * The Brave Search API: `GET /res/v1/web/search?q=…&count=…` with the key in `X-Subscription-Token`,
 * reading `web.results[].url/title/description`. The key goes only into that header: never into the
 * URL, an error message or a log.
 */
export function createBraveBackend(options: BraveOptions): SearchBackend {
  const base = baseUrl(SERVICE, 'the Brave base URL', options.baseUrl ?? BRAVE_BASE_URL);
  const fetchFn = options.fetch ?? fetch;
  const apiKey = options.apiKey?.trim();
  if (!apiKey) {
    throw new PermanentError(`${SERVICE} needs an API key: run "Research: Set API Key" and choose brave, or set BRAVE_API_KEY`);
  }
  return {
    id: 'brave',
    async search(query: string, { signal, limit }: SearchOptions): Promise<SearchHit[]> {
      const url = endpoint(base, 'res/v1/web/search');
      url.searchParams.set('q', query);
      url.searchParams.set('count', String(Math.max(1, Math.min(MAX_COUNT, limit))));
      let response: Response;
      try {
        response = await fetchFn(url, {
          signal,
          headers: { accept: 'application/json', 'x-subscription-token': apiKey },
        });
      } catch (error) {
        throw networkError(SERVICE, url, error, signal);
      }
      if (!response.ok) {
        throw await httpError(
          SERVICE,
          response,
          {
            401: 'The API key was refused: set a valid one with "Research: Set API Key" (brave) or BRAVE_API_KEY',
            403: 'The key may not use this endpoint: check the subscription plan of the key',
            422: 'The request was refused as invalid: the query may be too long (at most 400 characters, 50 words)',
            default: 'Check the Brave Search API status and the key',
          },
          rateLimitResetMs(response.headers),
          apiKey,
        );
      }
      return parseBraveResults(await readingBody(SERVICE, url, signal, () => readJson(SERVICE, response)), limit);
    },
  };
}

/**
 * Brave sends `X-RateLimit-Reset: <seconds>, <seconds>` (one per window: per second, per month).
 * When a 429 has no Retry-After, the first window's reset is the wait.
 */
export function rateLimitResetMs(headers: Headers): number | undefined {
  const first = headers.get('x-ratelimit-reset')?.split(',')[0]?.trim();
  const seconds = first === undefined || first === '' ? NaN : Number(first);
  return Number.isFinite(seconds) && seconds >= 0 ? seconds * 1000 : undefined;
}

export function parseBraveResults(body: unknown, limit: number): SearchHit[] {
  if (!body || typeof body !== 'object') throw new PermanentError(`${SERVICE} answered with something other than a JSON object`);
  const results = (body as { web?: { results?: unknown } }).web?.results;
  // A query with no web results has no `web` section at all.
  if (results === undefined) return [];
  if (!Array.isArray(results)) throw new PermanentError(`${SERVICE}'s answer has a web section without a results list`);
  return webHits(results as unknown[], limit, (result) =>
    // Brave marks query terms in descriptions with <strong>; the snippet is a hint, so tags go.
    typeof result.description === 'string' ? result.description.replace(/<[^>]*>/g, '').trim() : '',
  );
}
