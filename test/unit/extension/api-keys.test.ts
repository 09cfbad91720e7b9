import assert from 'node:assert/strict';
import { PermanentError } from '../../../src/core/errors';
import { apiKeyEnvVar, missingKeyMessage, resolveApiKey, resolveApiKeyWithOrigin, secretStorageKey, validateKeyName } from '../../../src/providers/api-keys';
import { redact } from '../../../src/providers/redact';
import { createWebSearchBackend } from '../../../src/providers/web';

const KEY = 'sk-test-9f8e7d6c5b4a';

describe('API keys', () => {
  it('SecretStorage wins over the environment variable', async () => {
    const asked: string[] = [];
    const secretGet = async (k: string) => (asked.push(k), k === 'research.apiKey.openai' ? 'from-secrets' : undefined);
    assert.equal(await resolveApiKey('openai', { secretGet, env: { OPENAI_API_KEY: 'from-env' } }), 'from-secrets');
    assert.deepEqual(asked, ['research.apiKey.openai']);
  });

  it('falls back to the environment variable; blank values count as absent', async () => {
    const secretGet = async () => '   ';
    assert.deepEqual(await resolveApiKeyWithOrigin('openai', { secretGet, env: { OPENAI_API_KEY: ` ${KEY} ` } }), { key: KEY, origin: 'environment' });
    assert.equal(await resolveApiKey('brave', { env: { BRAVE_API_KEY: KEY } }), KEY);
    assert.equal(await resolveApiKey('local-vllm', { env: { RESEARCH_LOCAL_VLLM_API_KEY: KEY } }), KEY);
    assert.equal(await resolveApiKey('openai', { env: { OPENAI_API_KEY: '' } }), undefined);
    assert.equal(await resolveApiKey('x', { env: { X_KEY: KEY }, envVar: 'X_KEY' }), KEY);
  });

  it('never hands the OpenAI key to another endpoint', async () => {
    assert.equal(await resolveApiKey('local', { env: { OPENAI_API_KEY: KEY } }), undefined);
    assert.equal(apiKeyEnvVar('local'), 'RESEARCH_LOCAL_API_KEY');
  });

  it('names where to put a missing key without any key in the message', async () => {
    assert.equal(missingKeyMessage('brave'), 'No API key for "brave": in VS Code run "Research: Set API Key" and choose "brave"; in a terminal set BRAVE_API_KEY.');
    const error = await createWebSearchBackend({ backend: 'brave' }, { env: {} }).then(
      () => assert.fail('resolved without a key'),
      (e: unknown) => e as Error,
    );
    assert.ok(error instanceof PermanentError);
    assert.match(error.message, /BRAVE_API_KEY/);
  });

  it('a key never appears in the errors of the backends it configures', async () => {
    const backend = await createWebSearchBackend({ backend: 'brave', braveBaseUrl: 'http://127.0.0.1:1' }, { env: { BRAVE_API_KEY: KEY } });
    assert.ok(backend);
    const error = await backend.search('q', { signal: new AbortController().signal, limit: 3 }).then(
      () => assert.fail('resolved'),
      (e: unknown) => e as Error,
    );
    assert.ok(!`${error.message}\n${error.stack}\n${JSON.stringify(error)}`.includes(KEY));
  });

  it('checks key names and redacts a key echoed back', () => {
    assert.equal(validateKeyName(' my-endpoint '), 'my-endpoint');
    assert.throws(() => validateKeyName('a b'), /not a usable key name/);
    assert.equal(secretStorageKey('brave'), 'research.apiKey.brave');
    assert.equal(redact(`invalid key ${KEY}!`, [KEY]), 'invalid key [redacted]!');
  });

  it('the workspace backend needs no web backend; searxng needs its URL', async () => {
    assert.equal(await createWebSearchBackend({ backend: 'workspace' }, {}), undefined);
    await assert.rejects(createWebSearchBackend({ backend: 'searxng', searxngUrl: ' ' }, {}), /research\.search\.searxngUrl is empty/);
  });
});
