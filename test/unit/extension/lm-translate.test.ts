/**
 * The VS Code language-model adapter's decisions, against the documented shapes of vscode.d.ts 1.99
 * (no model is installed in the offline VS Code, so these shapes are all that can be exercised here).
 */
import assert from 'node:assert/strict';
import { PermanentError, RetryableError } from '../../../src/core/errors';
import { isRetryable, retryAfterMs } from '../../../src/core/retry';
import {
  BLOCKED_RETRY_MS,
  JSON_ONLY_INSTRUCTION,
  lmSelector,
  mapLmError,
  noModelError,
  toLmMessages,
} from '../../../src/extension/lm/lm-translate';

/** vscode.LanguageModelError as VS Code builds it: name "LanguageModelError", `code` the factory's name. */
function languageModelError(code: string, message = '', cause?: unknown): Error & { code: string } {
  const error = new Error(message, cause === undefined ? undefined : { cause }) as Error & { code: string };
  error.name = 'LanguageModelError';
  error.code = code;
  return error;
}

describe('VS Code language models: message mapping', () => {
  it('sends system messages as user messages and merges turns of one role', () => {
    assert.deepEqual(
      toLmMessages([
        { role: 'system', content: 'You are careful.' },
        { role: 'user', content: 'Question?' },
        { role: 'assistant', content: 'Answer.' },
        { role: 'user', content: 'More?' },
      ]),
      [
        { role: 'user', content: 'You are careful.\n\nQuestion?' },
        { role: 'assistant', content: 'Answer.' },
        { role: 'user', content: 'More?' },
      ],
    );
  });

  it('asks for JSON in words, since the API has no response format', () => {
    assert.deepEqual(toLmMessages([{ role: 'user', content: 'Plan.' }], { json: true }), [{ role: 'user', content: `Plan.\n\n${JSON_ONLY_INSTRUCTION}` }]);
    assert.deepEqual(toLmMessages([{ role: 'assistant', content: 'x' }], { json: true }).at(-1), { role: 'user', content: JSON_ONLY_INSTRUCTION });
  });

  it('builds the selector from settings, leaving blank ones out', () => {
    assert.deepEqual(lmSelector({ vendor: ' copilot ', family: '' }), { vendor: 'copilot' });
    assert.deepEqual(lmSelector({}), {});
  });
});

describe('VS Code language models: errors', () => {
  const model = '"GPT-4o" (copilot/gpt-4o)';

  it('NoPermissions (consent refused) is permanent and says how to allow it', () => {
    const error = mapLmError(languageModelError('NoPermissions', 'User did not consent'), model);
    assert.ok(error instanceof PermanentError);
    assert.equal(isRetryable(error), false);
    assert.match(error.message, /allow Research Dispatcher to use the language model/i);
    assert.match(error.message, /Manage Language Model Access/);
  });

  it('Blocked (quota) is retryable after a delay', () => {
    const error = mapLmError(languageModelError('Blocked', 'quota exceeded'), model);
    assert.ok(error instanceof RetryableError);
    assert.equal(retryAfterMs(error), BLOCKED_RETRY_MS);
    assert.match(error.message, /blocked for now.*quota/);
  });

  it('NotFound is permanent and says how to pick a model', () => {
    const error = mapLmError(languageModelError('NotFound'), model);
    assert.ok(error instanceof PermanentError);
    assert.match(error.message, /no longer available.*research\.lm\.vendor and research\.lm\.family/);
  });

  it('an unspecified LanguageModelError decides by its cause: 429/5xx retry, 400 does not', () => {
    assert.ok(mapLmError(languageModelError('Unknown', 'Server error', { status: 503 }), model) instanceof RetryableError);
    assert.ok(mapLmError(languageModelError('Unknown', 'Bad request', { status: 400 }), model) instanceof PermanentError);
    assert.ok(mapLmError(languageModelError('Unknown', 'connection reset'), model) instanceof RetryableError);
    assert.ok(mapLmError(languageModelError('Unknown', 'Message exceeds token limit'), model) instanceof PermanentError);
  });

  it('other failures: network errors retry, plain errors do not', () => {
    assert.ok(mapLmError(Object.assign(new Error('socket'), { code: 'ECONNRESET' }), model) instanceof RetryableError);
    assert.ok(mapLmError(new TypeError('x is undefined'), model) instanceof PermanentError);
  });

  it('no model installed: names the settings, says what VS Code offers and how to fix it', () => {
    const none = noModelError({ vendor: 'copilot', family: 'gpt-4o' }, []);
    assert.ok(none instanceof PermanentError);
    assert.match(none.message, /No VS Code language model matches vendor "copilot", family "gpt-4o" \(settings research\.lm\.vendor, research\.lm\.family\)/);
    assert.match(none.message, /offers no language model at all/);
    const some = noModelError({ vendor: 'copilot', family: 'o9' }, [
      { vendor: 'copilot', family: 'gpt-4o' },
      { vendor: 'copilot', family: 'gpt-4o' },
      { vendor: 'ollama', family: 'llama3' },
    ]);
    assert.match(some.message, /VS Code offers: copilot\/gpt-4o, ollama\/llama3\./);
  });
});
