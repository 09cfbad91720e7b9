/**
 * Web research: search backends, the page fetcher and source store, citation checks and the fence
 * for source text in prompts. Nothing here imports `vscode`: the extension and the CLI pass settings
 * and key sources in.
 */
import { PermanentError } from '../../core/errors';
import { type KeySources, missingKeyMessage, resolveApiKey } from '../api-keys';
import { createBraveBackend } from './brave';
import type { FetchLike } from './http';
import type { SearchBackend } from './search-backend';
import { createSearxngBackend } from './searxng';
import { SEARCH_BACKENDS, type SearchBackendName } from '../provider-names';

export { createBraveBackend } from './brave';
export { createSearxngBackend } from './searxng';
export { createWebSources } from './web-sources';
export { SourceStore, fetchAndStore, sourcesDirectory } from './source-store';
export { verifyCitations, citationBlock } from './verify-citations';
export { fenceSource, UNTRUSTED_DATA_RULE } from '../fence';

export { SEARCH_BACKENDS, type SearchBackendName } from '../provider-names';

export interface WebSearchSettings {
  backend: SearchBackendName;
  /** `research.search.searxngUrl`. */
  searxngUrl?: string;
  /** Overrides the Brave API's base URL (tests). */
  braveBaseUrl?: string;
  fetch?: FetchLike;
}

/**
 * The web search backend the settings ask for, with its key resolved (SecretStorage, then the
 * environment); undefined for `workspace`, which the offline index serves. Throws a permanent error
 * that says what to set when something is missing.
 */
export async function createWebSearchBackend(settings: WebSearchSettings, keys: KeySources): Promise<SearchBackend | undefined> {
  switch (settings.backend) {
    case 'workspace':
      return undefined;
    case 'searxng':
      if (!settings.searxngUrl?.trim()) {
        throw new PermanentError('research.search.backend is "searxng" but research.search.searxngUrl is empty: set it to your instance, e.g. http://localhost:8080');
      }
      return createSearxngBackend({ url: settings.searxngUrl, fetch: settings.fetch });
    case 'brave': {
      const apiKey = await resolveApiKey('brave', keys);
      if (!apiKey) throw new PermanentError(missingKeyMessage('brave'));
      return createBraveBackend({ apiKey, baseUrl: settings.braveBaseUrl, fetch: settings.fetch });
    }
    default:
      throw new PermanentError(`research.search.backend "${String(settings.backend)}" is not one of ${SEARCH_BACKENDS.join(', ')}`);
  }
}
