import assert from 'node:assert/strict';
import { SecretRedactor } from '../../../src/core/secret-redactor';
import { redact } from '../../../src/providers/redact';

const KEY = 'Zq9-abcDEF+ghij/klmn=opQR';

/** Every form of KEY a server may echo, as test/unit/cli/cli-secrets.test.ts checks too. */
function echoes(key: string): Record<string, string> {
  const bytes = Buffer.from(key, 'utf8');
  return {
    asIs: key,
    upper: key.toUpperCase(),
    lower: key.toLowerCase(),
    url: encodeURIComponent(key),
    base64: bytes.toString('base64'),
    base64url: bytes.toString('base64url'),
    hex: bytes.toString('hex'),
    hexUpper: bytes.toString('hex').toUpperCase(),
    basicAuth: Buffer.from(`user:${key}`).toString('base64'),
    offset1: Buffer.from(`x${key}y`).toString('base64'),
    offset2: Buffer.from(`xy${key}`).toString('base64url'),
  };
}

describe('SecretRedactor', () => {
  const redactor = SecretRedactor.of([KEY]);

  for (const [form, echoed] of Object.entries(echoes(KEY))) {
    it(`redacts the key echoed ${form}`, () => {
      const out = redactor.text(`the plan: ${echoed} (end)`);
      assert.match(out, /^the plan: .*\[redacted\].* \(end\)$/);
      assert.ok(!out.includes(echoed), out);
      // Nothing that decodes back to most of the key is left.
      assert.ok(!out.includes('ghij'), out);
    });
  }

  it('leaves a base64 text around the key decodable in part, but never the key', () => {
    const echoed = Buffer.from(`user:${KEY}`).toString('base64');
    const out = redactor.text(`Basic ${echoed}`);
    const [before, after] = out.slice('Basic '.length).split('[redacted]');
    // What is left before decodes to "user:" and at most two of the key's bytes; after it, at most 3 characters.
    assert.ok(Buffer.from(before!, 'base64').toString('latin1').length <= 'user:'.length + 2, out);
    assert.ok(after!.replace(/=+$/, '').length <= 3, out);
  });

  it('ignores keys shorter than 8 characters, blank and missing ones: no work, the text is kept', () => {
    const short = SecretRedactor.of(['abc1234', '   ', undefined, '']);
    assert.equal(short.active, false);
    assert.equal(short, SecretRedactor.NONE);
    const value = { a: ['abc1234'] };
    assert.equal(short.value(value), value);
    assert.equal(short.text('see abc1234'), 'see abc1234');
    assert.equal(SecretRedactor.of(['abcd1234']).text('see abcd1234'), 'see [redacted]');
  });

  it('redacts nested objects and arrays, keys of objects too, without changing the original', () => {
    const b64 = Buffer.from(KEY).toString('base64');
    const value = {
      type: 'task:result',
      n: 3,
      ok: true,
      none: null,
      result: { summary: `found ${KEY}`, findings: [{ quote: b64, score: 1 }, [encodeURIComponent(KEY)]] },
      [KEY.toLowerCase()]: 'a key as a name',
    };
    const out = redactor.value(value);
    assert.deepEqual(out, {
      type: 'task:result',
      n: 3,
      ok: true,
      none: null,
      result: { summary: 'found [redacted]', findings: [{ quote: '[redacted]', score: 1 }, ['[redacted]']] },
      '[redacted]': 'a key as a name',
    });
    assert.equal(value.result.summary, `found ${KEY}`);
    assert.ok(!JSON.stringify(out).toLowerCase().includes('ghij'));
  });

  it('survives a value that refers to itself', () => {
    const value: Record<string, unknown> = { text: KEY };
    value.self = value;
    const out = redactor.value(value) as Record<string, unknown>;
    assert.equal(out.text, '[redacted]');
    assert.equal(out.self, out);
  });

  it('redacts several keys, and is what providers/redact.ts uses', () => {
    const other = 'another-key-0123456789';
    const both = SecretRedactor.of([KEY, other]);
    assert.equal(both.text(`${KEY.toUpperCase()} and ${Buffer.from(other).toString('hex')}`), '[redacted] and [redacted]');
    assert.equal(redact(`echo ${Buffer.from(other).toString('base64')} and sk-abcdefghijkl`, [other]), 'echo [redacted] and [redacted]');
  });
});
