/**
 * The names settings and flags choose providers and search backends by. Kept apart from the
 * providers themselves so that reading a setting loads no provider (the extension reads them at once;
 * the providers load on first use).
 */
export const PROVIDER_IDS = ['offline', 'openai', 'vscode-lm'] as const;
export type ProviderId = (typeof PROVIDER_IDS)[number];

/** `research.search.backend`, `--search`. */
export const SEARCH_BACKENDS = ['workspace', 'searxng', 'brave'] as const;
export type SearchBackendName = (typeof SEARCH_BACKENDS)[number];
