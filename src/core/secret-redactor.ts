/**
 * Keeps the run's configured keys out of everything it records: a server may echo a key it was sent
 * in a successful answer (a plan's description, a quote, a report) just as in an error, and not always
 * as it was sent. A SecretRedactor replaces each key in every form a server is likely to echo it in:
 *
 * - as is, and in upper or lower case (matching ignores case);
 * - URL-encoded (encodeURIComponent);
 * - base64 and base64url, of the key alone (with or without padding) and of the key inside a longer
 *   encoded text such as `Basic base64("user:key")`: base64 of a text at an offset that is not a
 *   multiple of 3 differs, so for each of the three alignments the run of characters that depends on
 *   the key's bytes alone is replaced (at most two of the key's bytes on each side stay encoded);
 * - hex of its UTF-8 bytes.
 *
 * Keys shorter than MIN_SECRET_LENGTH are ignored: they would blank ordinary words, and real keys are
 * long. With no key, every method returns its argument untouched, without any work.
 */

export const MIN_SECRET_LENGTH = 8;
export const REDACTED = '[redacted]';

/** The fewest bytes of a key whose base64 at an offset is still matched (shorter runs could be chance). */
const MIN_ALIGNED_BYTES = 6;

export class SecretRedactor {
  /** Redacts nothing. */
  static readonly NONE = new SecretRedactor([]);

  private readonly pattern: RegExp | undefined;

  /** `secrets`: the configured keys; blank, missing and short ones are ignored. */
  constructor(secrets: Iterable<string | undefined>) {
    const forms = new Set<string>();
    for (const raw of secrets) {
      const secret = raw?.trim();
      if (secret && secret.length >= MIN_SECRET_LENGTH) for (const form of formsOf(secret)) forms.add(form);
    }
    // Longest first: where two forms start at the same place, the longer one is replaced whole.
    const sorted = [...forms].filter((f) => f.length > 0).sort((a, b) => b.length - a.length);
    this.pattern = sorted.length > 0 ? new RegExp(sorted.map(escapeRegExp).join('|'), 'gi') : undefined;
  }

  /** A redactor of `secrets`, or NONE when none of them is long enough to be a key. */
  static of(secrets: Iterable<string | undefined>): SecretRedactor {
    const redactor = new SecretRedactor(secrets);
    return redactor.active ? redactor : SecretRedactor.NONE;
  }

  /** True when there is a key to redact. */
  get active(): boolean {
    return this.pattern !== undefined;
  }

  /** `text` with every configured key, in each of its forms, replaced by `[redacted]`. */
  text(text: string): string {
    if (!this.pattern) return text;
    this.pattern.lastIndex = 0;
    return text.replace(this.pattern, REDACTED);
  }

  /**
   * A copy of a JSON-like value (strings, arrays, plain objects, their keys too) with every key
   * redacted; other values (numbers, booleans, null, class instances) are kept as they are.
   */
  value<T>(value: T): T {
    if (!this.pattern) return value;
    return this.walk(value, new Map()) as T;
  }

  private walk(value: unknown, seen: Map<object, unknown>): unknown {
    if (typeof value === 'string') return this.text(value);
    if (value === null || typeof value !== 'object') return value;
    const done = seen.get(value);
    if (done !== undefined) return done;
    if (Array.isArray(value)) {
      const out: unknown[] = [];
      seen.set(value, out);
      for (const item of value) out.push(this.walk(item, seen));
      return out;
    }
    const proto = Object.getPrototypeOf(value) as unknown;
    if (proto !== Object.prototype && proto !== null) return value;
    const out: Record<string, unknown> = {};
    seen.set(value, out);
    for (const [key, item] of Object.entries(value)) out[this.text(key)] = this.walk(item, seen);
    return out;
  }
}

/** The forms a server may echo `secret` in (see SecretRedactor). */
export function formsOf(secret: string): string[] {
  const bytes = Buffer.from(secret, 'utf8');
  const forms = [secret, secret.toUpperCase(), secret.toLowerCase(), encodeURIComponent(secret), bytes.toString('hex')];
  const base64 = bytes.toString('base64');
  forms.push(base64, base64.replace(/=+$/, ''), bytes.toString('base64url'));
  // Inside a longer encoded text: skip 0, 1 or 2 of the key's bytes so the rest starts a 3-byte
  // group, and keep the whole groups, whose characters depend on the key's bytes alone.
  for (let skip = 0; skip < 3; skip++) {
    const whole = Math.floor((bytes.length - skip) / 3) * 3;
    if (whole < MIN_ALIGNED_BYTES) continue;
    const run = bytes.subarray(skip, skip + whole);
    forms.push(run.toString('base64'), run.toString('base64url'));
  }
  return forms;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');
}
