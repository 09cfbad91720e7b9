/**
 * Keeps secrets out of every message that leaves a provider: error texts from servers can echo what
 * they were sent, and a base URL can carry credentials. Applied to anything built from a server's
 * words before it reaches an event, a log, a journal or a report. The keys themselves, in every form a
 * server may echo them, are removed by core/secret-redactor.ts (the one implementation); this adds
 * key-shaped tokens and credentials in URLs, which need no configured key.
 */
import { REDACTED, SecretRedactor } from '../core/secret-redactor';

export { SecretRedactor } from '../core/secret-redactor';

/** Looks like a bearer token: OpenAI-style `sk-…` keys and other long opaque keys after "key". */
const KEY_LIKE = /\b(sk|rk|pk)-[A-Za-z0-9_-]{8,}/g;

export function redact(text: string, secrets: readonly (string | undefined)[] | SecretRedactor = []): string {
  const redactor = secrets instanceof SecretRedactor ? secrets : SecretRedactor.of(secrets);
  return redactor.text(text).replace(KEY_LIKE, REDACTED).replace(/(\/\/)[^/@\s]+@/g, `$1${REDACTED}@`);
}

/** A server's message cut to a readable length, with secrets removed. */
export function serverDetail(text: string | undefined, secrets: readonly (string | undefined)[] = [], max = 300): string {
  if (!text) return '';
  const oneLine = redact(text, secrets).replace(/\s+/g, ' ').trim();
  return oneLine.length > max ? `${oneLine.slice(0, max - 1)}…` : oneLine;
}
