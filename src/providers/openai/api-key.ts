import { UsageError } from '../../core/errors';

/**
 * Sent as the key to servers that need none (Ollama, LM Studio, llama.cpp, vLLM without --api-key):
 * the `openai` SDK refuses to start without a key, and these servers ignore the header.
 */
export const NO_KEY_PLACEHOLDER = 'no-key';

/** Hosts that always need a real key: sending the placeholder there would only earn a 401. */
const HOSTS_NEEDING_A_KEY = ['api.openai.com'];

export function needsApiKey(baseUrl: string): boolean {
  try {
    return HOSTS_NEEDING_A_KEY.includes(new URL(baseUrl).hostname.toLowerCase());
  } catch {
    return false;
  }
}

/**
 * The key to send to an endpoint: the one configured, or the placeholder for a server that needs
 * none. For a host known to need a key, a missing key is a usage error that says where keys come from.
 */
/** Named apart from ../api-keys resolveApiKey, which finds a key; this decides what to send when there is none. */
export function endpointKeyOrPlaceholder(options: { endpoint: string; baseUrl: string; key?: string; howToSet: string }): string {
  const key = options.key?.trim();
  if (key) return key;
  if (needsApiKey(options.baseUrl)) {
    throw new UsageError(`endpoint "${options.endpoint}" (${new URL(options.baseUrl).host}) needs an API key: ${options.howToSet}`);
  }
  return NO_KEY_PLACEHOLDER;
}

/** Checks a base URL and returns it normalised (no trailing slash); throws a UsageError that says what is wrong. */
export function checkBaseUrl(value: string, what = '--base-url'): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new UsageError(`${what} "${value}" is not a URL: give one such as http://127.0.0.1:11434/v1 or https://api.openai.com/v1`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new UsageError(`${what} must start with http:// or https://, not ${url.protocol}//`);
  }
  if (url.username || url.password) {
    throw new UsageError(`${what} must not carry credentials: put the key in OPENAI_API_KEY (or Research: Set API Key in VS Code)`);
  }
  return url.toString().replace(/\/+$/, '');
}
