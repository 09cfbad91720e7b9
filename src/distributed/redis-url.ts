import { UsageError } from '../core/errors';

/** The environment variable a Redis password may come from, so it never has to sit in a URL or a setting. */
export const REDIS_PASSWORD_ENV = 'RESEARCH_REDIS_PASSWORD';

export interface RedisTarget {
  /** The URL to connect with, password included when there is one. Never print it: use `display`. */
  url: string;
  /** The same URL with any password replaced by `***`: for messages, logs and run.json. */
  display: string;
}

/**
 * Checks a `--redis` URL (or the `research.redis.url` setting) and adds the password from `password`
 * (SecretStorage) or RESEARCH_REDIS_PASSWORD when the URL has none. Only redis: and rediss: are
 * accepted; anything else is a UsageError that says what a valid URL looks like.
 */
export function parseRedisUrl(raw: string, password: string | undefined = process.env[REDIS_PASSWORD_ENV]): RedisTarget {
  const text = raw.trim();
  const example = 'e.g. redis://127.0.0.1:6379 (or rediss:// for TLS)';
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new UsageError(`"${redactText(text)}" is not a Redis URL: ${example}`);
  }
  if (url.protocol !== 'redis:' && url.protocol !== 'rediss:') {
    throw new UsageError(`"${redactText(text)}" is not a Redis URL (it starts with ${url.protocol}): ${example}`);
  }
  if (!url.hostname) throw new UsageError(`the Redis URL "${redactText(text)}" names no host: ${example}`);
  if (!url.password && password) url.password = encodeURIComponent(password);
  return { url: url.toString(), display: redactRedisUrl(url.toString()) };
}

/** The URL with its password replaced by `***`. */
export function redactRedisUrl(raw: string): string {
  try {
    const url = new URL(raw);
    if (url.password) url.password = '***';
    return url.toString();
  } catch {
    return redactText(raw);
  }
}

/** For text that did not parse as a URL: hides whatever sits between "://user:" and "@". */
function redactText(text: string): string {
  return text.replace(/(\/\/[^/:@]*:)[^@/]*@/, '$1***@');
}
