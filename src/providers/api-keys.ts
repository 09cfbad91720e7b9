/**
 * Where API keys come from, for the extension and the CLI alike: VS Code's SecretStorage first
 * (set with "Research: Set API Key"), then an environment variable. Never from settings, and never
 * printed: messages here name where a key is looked for, not what it is.
 */

/** Keys with a conventional environment variable. Other names use RESEARCH_<NAME>_API_KEY. */
export const KNOWN_API_KEYS: Readonly<Record<string, { envVar: string; description: string }>> = {
  openai: { envVar: 'OPENAI_API_KEY', description: 'the OpenAI-compatible endpoint "openai"' },
  brave: { envVar: 'BRAVE_API_KEY', description: 'the Brave Search API' },
};

const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

/** A key's name (an endpoint name or a search API), checked: letters, digits, `.`, `_`, `-`. */
export function validateKeyName(name: string): string {
  const trimmed = name.trim();
  if (!NAME.test(trimmed)) {
    throw new Error(`"${trimmed.slice(0, 80)}" is not a usable key name: use letters, digits, ".", "_" or "-" (at most 64), e.g. the endpoint's name`);
  }
  return trimmed;
}

/** The environment variable read for a key: OPENAI_API_KEY, BRAVE_API_KEY, or RESEARCH_<NAME>_API_KEY. */
export function apiKeyEnvVar(name: string): string {
  return KNOWN_API_KEYS[name]?.envVar ?? `RESEARCH_${name.toUpperCase().replace(/[^A-Z0-9]+/g, '_')}_API_KEY`;
}

/** The SecretStorage entry of a key. */
export function secretStorageKey(name: string): string {
  return `research.apiKey.${name}`;
}

export interface KeySources {
  /** Reads SecretStorage (`context.secrets.get`); absent in the CLI. */
  secretGet?: (key: string) => PromiseLike<string | undefined>;
  /** The environment (`process.env`). */
  env?: Readonly<Record<string, string | undefined>>;
  /** Overrides the environment variable read (default: apiKeyEnvVar(name)). */
  envVar?: string;
}

export type KeyOrigin = 'secret-storage' | 'environment';

/**
 * The key for `name`: SecretStorage first, then the environment variable. Blank values count as
 * absent. Resolves to undefined when neither has one (see missingKeyMessage).
 */
export async function resolveApiKey(name: string, sources: KeySources): Promise<string | undefined> {
  return (await resolveApiKeyWithOrigin(name, sources))?.key;
}

/** As resolveApiKey, also saying where the key came from (for a log line that names the place, not the key). */
export async function resolveApiKeyWithOrigin(name: string, sources: KeySources): Promise<{ key: string; origin: KeyOrigin } | undefined> {
  const stored = (await sources.secretGet?.(secretStorageKey(name)))?.trim();
  if (stored) return { key: stored, origin: 'secret-storage' };
  const fromEnv = sources.env?.[sources.envVar ?? apiKeyEnvVar(name)]?.trim();
  if (fromEnv) return { key: fromEnv, origin: 'environment' };
  return undefined;
}

/** What to do when no key is found, for the extension and the CLI. */
export function missingKeyMessage(name: string, envVar = apiKeyEnvVar(name)): string {
  return `No API key for "${name}": in VS Code run "Research: Set API Key" and choose "${name}"; in a terminal set ${envVar}.`;
}
