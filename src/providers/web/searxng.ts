import { PermanentError } from '../../core/errors';
import { type SearchBackend, type SearchHit, type SearchOptions, webHits } from './search-backend';
import { baseUrl, endpoint, type FetchLike, httpError, networkError, readingBody, readJson } from './http';

export interface SearxngOptions {
  /** The instance, e.g. http://localhost:8080 (setting `research.search.searxngUrl`). */
  url: string;
  fetch?: FetchLike;
}

const SERVICE = 'SearXNG';
const SETTING = 'research.search.searxngUrl';

/**
 * A self-hosted SearXNG instance through its JSON API: `GET <url>/search?q=…&format=json`, reading
 * `results[].url/title/content`. Instances answer 403 when `json` is not among `search.formats` in
 * their settings.yml (the default ships with `html` only), which is said plainly.
 */
export function createSearxngBackend(options: SearxngOptions): SearchBackend {
  const base = baseUrl(SERVICE, SETTING, options.url);
  const fetchFn = options.fetch ?? fetch;
  return {
    id: `searxng:${base.host}`,
    async search(query: string, { signal, limit }: SearchOptions): Promise<SearchHit[]> {
      const url = endpoint(base, 'search');
      url.searchParams.set('q', query);
      url.searchParams.set('format', 'json');
      let response: Response;
      try {
        response = await fetchFn(url, { signal, headers: { accept: 'application/json' } });
      } catch (error) {
        throw networkError(SERVICE, url, error, signal);
      }
      if (!response.ok) {
        throw await httpError(SERVICE, response, {
          403: 'The instance has JSON output disabled: enable `json` in search.formats of settings.yml (formats: [html, json]) and restart SearXNG',
          404: `Check ${SETTING}: it should be the instance's base URL, under which /search answers`,
          default: `Check ${SETTING} and the instance's logs`,
        });
      }
      return parseSearxngResults(await readingBody(SERVICE, url, signal, () => readJson(SERVICE, response)), limit);
    },
  };
}

/** The http(s) hits of a SearXNG JSON answer, deduplicated by URL, at most `limit`. */
export function parseSearxngResults(body: unknown, limit: number): SearchHit[] {
  const results = (body as { results?: unknown } | null)?.results;
  if (!Array.isArray(results)) throw new PermanentError(`${SERVICE}'s answer has no results list; is ${SETTING} a SearXNG instance?`);
  return webHits(results as unknown[], limit, (result) =>
    typeof result.content === 'string' ? result.content.trim() : '',
  );
}
