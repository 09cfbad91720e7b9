import assert from 'node:assert/strict';
import { PermanentError, RateLimitedError, RetryableError, UsageError } from '../../../../src/core/errors';
import { isRateLimited, isRetryable, retryAfterMs } from '../../../../src/core/retry';
import { createOpenAIClient, NO_KEY_PLACEHOLDER, OpenAIChatModel, endpointKeyOrPlaceholder } from '../../../../src/providers/openai';
import { startFaultServer, type FaultServer } from '../../../support/fault-server';
import { eventually } from '../../../support/eventually';

const KEY = 'sk-test-SECRET-1234';

describe('OpenAI-compatible ChatModel (real openai SDK against a loopback server)', () => {
  let server: FaultServer;
  let model: OpenAIChatModel;

  beforeEach(async () => {
    server = await startFaultServer(() => 'hello from the model');
    model = new OpenAIChatModel({
      client: createOpenAIClient({ baseUrl: server.url, apiKey: KEY }),
      endpoint: 'local',
      model: 'm',
      howToSetKey: 'set it with Research: Set API Key or OPENAI_API_KEY',
      apiKey: KEY,
    });
  });
  afterEach(() => server.close());

  const ask = (extra: Partial<Parameters<OpenAIChatModel['complete']>[0]> = {}) =>
    model.complete({ messages: [{ role: 'user', content: 'Say hello as JSON' }], signal: new AbortController().signal, ...extra });

  async function failure(promise: Promise<unknown>): Promise<Error> {
    try {
      await promise;
    } catch (error) {
      return error as Error;
    }
    assert.fail('expected the call to fail');
  }

  it('answers, with the usage the server reported, the key as bearer and response_format for JSON', async () => {
    const response = await ask({ json: true });
    assert.equal(response.text, 'hello from the model');
    assert.equal(response.endpoint, 'local');
    assert.ok(response.usage.inputTokens > 0 && !response.usage.estimated);
    assert.equal(server.requests.length, 1);
    assert.equal(server.requests[0].headers.authorization, `Bearer ${KEY}`);
    assert.deepEqual(server.requests[0].body.response_format, { type: 'json_object' });
  });

  it('streams text to onText and reads the usage chunk', async () => {
    server.respondWith(() => 'a streamed answer that arrives in several pieces of text');
    const pieces: string[] = [];
    const response = await ask({ onText: (d) => pieces.push(d) });
    assert.ok(pieces.length > 1);
    assert.equal(pieces.join(''), response.text);
    assert.equal(server.requests[0].body.stream, true);
    assert.deepEqual(server.requests[0].body.stream_options, { include_usage: true });
    assert.ok(!response.usage.estimated);
  });

  it('makes exactly one request per call: the SDK does not retry on its own', async () => {
    server.queue({ kind: 'status', status: 500 });
    const error = await failure(ask());
    assert.ok(error instanceof RetryableError);
    assert.equal(server.requests.length, 1);
  });

  it('429 becomes a RateLimitedError carrying Retry-After (seconds) or retry-after-ms', async () => {
    server.queue({ kind: 'status', status: 429, retryAfter: '3' }, { kind: 'status', status: 429, retryAfterMs: '250' });
    const first = await failure(ask());
    assert.ok(first instanceof RateLimitedError && isRateLimited(first));
    assert.equal(retryAfterMs(first), 3000);
    assert.equal(retryAfterMs(await failure(ask())), 250);
  });

  it('500, 503, resets, malformed JSON, truncated and dropped streams are retryable, naming the endpoint', async () => {
    server.queue({ kind: 'status', status: 503 }, { kind: 'reset' }, { kind: 'malformed' }, { kind: 'truncated' }, { kind: 'cut' });
    for (const what of ['503', 'reset', 'malformed', 'truncated stream', 'connection dropped mid-stream']) {
      const error = await failure(what.includes('stream') ? ask({ onText: () => undefined }) : ask());
      assert.ok(isRetryable(error), `${what}: ${error.message}`);
      assert.match(error.message, /endpoint "local"/);
    }
    assert.equal(server.requests.length, 5);
  });

  it('401, 403, 404 and 400 are permanent, say what to fix, and never contain the key', async () => {
    const echo = `Incorrect API key provided: ${KEY}`;
    server.queue(
      { kind: 'status', status: 401, message: echo },
      { kind: 'status', status: 403, message: echo },
      { kind: 'status', status: 404, message: echo },
      { kind: 'status', status: 400, message: `bad request ${KEY}` },
    );
    const messages: string[] = [];
    for (let i = 0; i < 4; i++) {
      const error = await failure(ask());
      assert.ok(error instanceof PermanentError, error.message);
      assert.ok(!isRetryable(error));
      messages.push(error.message);
    }
    assert.match(messages[0], /refused the API key.*Research: Set API Key.*OPENAI_API_KEY/);
    assert.match(messages[2], /no model "m".*\/v1/);
    for (const message of messages) assert.ok(!message.includes(KEY) && !message.includes('SECRET'), message);
  });

  it('asks again without response_format when a server rejects it, and stops sending it', async () => {
    server.queue({ kind: 'status', status: 400, message: "Unsupported parameter: 'response_format'" });
    const response = await ask({ json: true });
    assert.equal(response.text, 'hello from the model');
    assert.equal(server.requests.length, 2);
    assert.equal(server.requests[1].body.response_format, undefined);
    await ask({ json: true });
    assert.equal(server.requests[2].body.response_format, undefined);
  });

  it('an abort ends a request in flight with the signal reason', async () => {
    server.queue({ kind: 'hang' });
    const controller = new AbortController();
    const call = ask({ signal: controller.signal });
    await eventually('the request to arrive', () => server.requests.length > 0);
    controller.abort(new Error('stop now'));
    assert.equal((await failure(call)).message, 'stop now');
  });

  it('an abort in the middle of a stream ends the call at once with the signal reason', async () => {
    server.queue({ kind: 'stall' });
    const controller = new AbortController();
    const pieces: string[] = [];
    const call = ask({ signal: controller.signal, onText: (d) => pieces.push(d) });
    await eventually('the first streamed piece', () => pieces.length > 0);
    controller.abort(new Error('cancelled mid-stream'));
    assert.equal((await failure(call)).message, 'cancelled mid-stream');
    assert.equal(server.requests.length, 1);
  });

  it('a local server without a key gets a placeholder; api.openai.com without one is a usage error', () => {
    assert.equal(endpointKeyOrPlaceholder({ endpoint: 'ollama', baseUrl: 'http://127.0.0.1:11434/v1', howToSet: 'x' }), NO_KEY_PLACEHOLDER);
    assert.equal(endpointKeyOrPlaceholder({ endpoint: 'x', baseUrl: 'https://api.openai.com/v1', key: KEY, howToSet: 'x' }), KEY);
    assert.throws(() => endpointKeyOrPlaceholder({ endpoint: 'openai', baseUrl: 'https://api.openai.com/v1', howToSet: 'set OPENAI_API_KEY' }), (e: Error) => e instanceof UsageError && /OPENAI_API_KEY/.test(e.message));
  });
});
