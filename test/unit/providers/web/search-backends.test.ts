import assert from 'node:assert/strict';
import { PermanentError, RetryableError } from '../../../../src/core/errors';
import { isRetryable } from '../../../../src/core/retry';
import { createBraveBackend } from '../../../../src/providers/web/brave';
import { createSearxngBackend } from '../../../../src/providers/web/searxng';
import { type Loopback, rejection, sendJson, startLoopback } from './loopback';

const signal = () => new AbortController().signal;

describe('SearXNG backend', () => {
  let server: Loopback | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  it('queries /search with format=json and maps results to hits (http(s) only, deduplicated, limited)', async () => {
    server = await startLoopback((_req, res) =>
      sendJson(res, 200, {
        query: 'ferry lanterns',
        results: [
          { url: 'https://a.example/one', title: 'One', content: 'first snippet' },
          { url: 'https://a.example/one', title: 'One again', content: 'duplicate' },
          { url: 'ftp://b.example/file', title: 'FTP', content: 'not http' },
          { url: 'http://c.example/two', title: '', content: 'untitled' },
          { url: 'https://d.example/three', title: 'Three', content: 'over the limit' },
        ],
      }),
    );
    const backend = createSearxngBackend({ url: `${server.url}/` });
    const hits = await backend.search('ferry lanterns', { signal: signal(), limit: 2 });
    assert.deepEqual(hits, [
      { url: 'https://a.example/one', title: 'One', snippet: 'first snippet' },
      { url: 'http://c.example/two', title: 'http://c.example/two', snippet: 'untitled' },
    ]);
    const request = new URL(server.requests[0]!.url, server.url);
    assert.equal(request.pathname, '/search');
    assert.equal(request.searchParams.get('q'), 'ferry lanterns');
    assert.equal(request.searchParams.get('format'), 'json');
  });

  it('keeps a path prefix of the instance URL', async () => {
    server = await startLoopback((_req, res) => sendJson(res, 200, { results: [] }));
    await createSearxngBackend({ url: `${server.url}/searx` }).search('q', { signal: signal(), limit: 5 });
    assert.equal(new URL(server.requests[0]!.url, server.url).pathname, '/searx/search');
  });

  it('says to enable json in settings.yml when the instance answers 403', async () => {
    server = await startLoopback((_req, res) => {
      res.writeHead(403, { 'content-type': 'text/html' });
      res.end('<html><body>403 Forbidden</body></html>');
    });
    const error = await rejection(createSearxngBackend({ url: server.url }).search('q', { signal: signal(), limit: 5 }));
    assert.ok(error instanceof PermanentError, `${error.name}: ${error.message}`);
    assert.match(error.message, /enable `json` in search\.formats of settings\.yml/);
    assert.equal(isRetryable(error), false);
  });

  it('treats a 502 from the instance as retryable and an answer without results as permanent', async () => {
    let status = 502;
    server = await startLoopback((_req, res) => (status === 502 ? sendJson(res, 502, { error: 'upstream' }) : sendJson(res, 200, { nothing: true })));
    const backend = createSearxngBackend({ url: server.url });
    const first = await rejection(backend.search('q', { signal: signal(), limit: 5 }));
    assert.ok(first instanceof RetryableError);
    status = 200;
    const second = await rejection(backend.search('q', { signal: signal(), limit: 5 }));
    assert.ok(second instanceof PermanentError);
    assert.match(second.message, /no results list/);
  });

  it('refuses a URL that is not http(s) before sending anything', () => {
    assert.throws(() => createSearxngBackend({ url: 'file:///etc' }), /must start with http/);
    assert.throws(() => createSearxngBackend({ url: '' }), /research\.search\.searxngUrl/);
  });

  it('a refused connection is retryable and names the service', async () => {
    const closed = await startLoopback(() => undefined);
    const url = closed.url;
    await closed.close();
    const error = await rejection(createSearxngBackend({ url }).search('q', { signal: signal(), limit: 5 }));
    assert.ok(error instanceof RetryableError);
    assert.match(error.message, /could not reach SearXNG/);
  });

  it('stops at once when the signal aborts', async () => {
    server = await startLoopback(() => undefined); // never answers
    const controller = new AbortController();
    const pending = createSearxngBackend({ url: server.url }).search('q', { signal: controller.signal, limit: 5 });
    controller.abort(new Error('run cancelled'));
    const error = await rejection(pending);
    assert.equal(error.message, 'run cancelled');
  });
});

describe('Brave Search backend', () => {
  const KEY = 'brv-secret-key-0123456789';
  let server: Loopback | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  it('sends the key only in X-Subscription-Token and maps web.results', async () => {
    server = await startLoopback((_req, res) =>
      sendJson(res, 200, {
        type: 'search',
        web: {
          results: [
            { url: 'https://a.example/x', title: 'X', description: 'about <strong>ferries</strong>' },
            { url: 'javascript:alert(1)', title: 'bad', description: '' },
          ],
        },
      }),
    );
    const hits = await createBraveBackend({ apiKey: KEY, baseUrl: server.url }).search('ferries', { signal: signal(), limit: 50 });
    assert.deepEqual(hits, [{ url: 'https://a.example/x', title: 'X', snippet: 'about ferries' }]);
    const request = server.requests[0]!;
    const url = new URL(request.url, server.url);
    assert.equal(url.pathname, '/res/v1/web/search');
    assert.equal(url.searchParams.get('q'), 'ferries');
    assert.equal(url.searchParams.get('count'), '20', 'count is capped at the API maximum');
    assert.equal(request.headers['x-subscription-token'], KEY);
    assert.ok(!request.url.includes(KEY), 'the key is not in the URL');
  });

  it('an answer without a web section means no hits', async () => {
    server = await startLoopback((_req, res) => sendJson(res, 200, { type: 'search', query: { original: 'q' } }));
    assert.deepEqual(await createBraveBackend({ apiKey: KEY, baseUrl: server.url }).search('q', { signal: signal(), limit: 5 }), []);
  });

  it('429 with Retry-After is retryable with that wait, and the key is not in the message', async () => {
    server = await startLoopback((_req, res) =>
      sendJson(res, 429, { type: 'ErrorResponse', error: { code: 'RATE_LIMITED', detail: 'Request rate limit exceeded' } }, { 'retry-after': '3', 'x-ratelimit-reset': '1, 2000000' }),
    );
    const error = await rejection(createBraveBackend({ apiKey: KEY, baseUrl: server.url }).search('q', { signal: signal(), limit: 5 }));
    assert.ok(error instanceof RetryableError);
    assert.equal(error.retryAfterMs, 3000);
    assert.equal(isRetryable(error), true);
    assert.match(error.message, /Brave Search answered 429/);
    assert.ok(!error.message.includes(KEY));
    assert.ok(!String(error.stack).includes(KEY));
  });

  it('429 without Retry-After waits for the first rate-limit window to reset', async () => {
    server = await startLoopback((_req, res) => sendJson(res, 429, {}, { 'x-ratelimit-reset': '2, 1419704' }));
    const error = await rejection(createBraveBackend({ apiKey: KEY, baseUrl: server.url }).search('q', { signal: signal(), limit: 5 }));
    assert.ok(error instanceof RetryableError);
    assert.equal(error.retryAfterMs, 2000);
  });

  it('401 is permanent and says how to set the key', async () => {
    // A server that echoes the key it refused: the key must still not reach the message.
    server = await startLoopback((_req, res) => sendJson(res, 401, { error: { detail: `The provided subscription token ${KEY} is invalid.` } }));
    const error = await rejection(createBraveBackend({ apiKey: KEY, baseUrl: server.url }).search('q', { signal: signal(), limit: 5 }));
    assert.ok(error instanceof PermanentError);
    assert.match(error.message, /Research: Set API Key/);
    assert.match(error.message, /subscription token \[redacted\] is invalid/);
    assert.ok(!error.message.includes(KEY));
  });

  it('refuses to start without a key, naming where to put one', () => {
    assert.throws(() => createBraveBackend({ apiKey: '  ' }), /BRAVE_API_KEY/);
  });
});
