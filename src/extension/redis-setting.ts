import { UsageError } from '../core/errors';

/**
 * The `research.redis.url` setting must not carry the Redis password: settings are synced, shared
 * and committed with a folder, and shown in the Settings editor. The password goes in SecretStorage
 * ("Research: Set API Key" → "Redis password"). A URL that does not parse is left to parseRedisUrl,
 * which says what a Redis URL looks like. The URL is never repeated here: it holds the password.
 */
export function refusePasswordInSetting(raw: string): void {
  let password: string;
  try {
    password = new URL(raw.trim()).password;
  } catch {
    return;
  }
  if (password) {
    throw new UsageError(
      'the setting research.redis.url contains a password. Remove it from the setting (keep e.g. redis://host:6379) and run "Research: Set API Key" → "Redis password" instead: settings are not secret, VS Code\'s secret storage is.',
    );
  }
}
