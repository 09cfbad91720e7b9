import { createServer, type IncomingHttpHeaders, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A loopback OpenAI-compatible server for tests: `POST /v1/chat/completions`, streaming (SSE) and not,
 * with a queue of scripted faults that the real `openai` SDK meets exactly as it would meet a real
 * server: 429 with Retry-After, 500/503, answers slower than the timeout, connection resets, malformed
 * JSON, truncated streams, and any answer text (e.g. an invalid plan). Every request is recorded.
 */

export type Fault =
  | { kind: 'status'; status: number; retryAfter?: string; retryAfterMs?: string; message?: string }
  | { kind: 'delay'; ms: number }
  | { kind: 'hang' }
  | { kind: 'reset' }
  | { kind: 'malformed' }
  | { kind: 'truncated' }
  /** Streams part of the answer, then drops the connection. */
  | { kind: 'cut' }
  /** Streams part of the answer, then sends nothing more (until the client goes away). */
  | { kind: 'stall' }
  | { kind: 'reply'; content: string };

export interface RecordedRequest {
  at: number;
  path: string;
  headers: IncomingHttpHeaders;
  body: ChatBody;
  /** The fault served, or undefined for the default answer. */
  fault?: Fault['kind'];
}

export interface ChatBody {
  model: string;
  messages: { role: string; content: string }[];
  stream?: boolean;
  response_format?: { type: string };
  [key: string]: unknown;
}

/** Answers a request that no fault applies to: the text the "model" says. */
export type Responder = (body: ChatBody) => string;

export interface FaultServer {
  /** The base URL to give the SDK, ending in /v1. */
  readonly url: string;
  readonly requests: RecordedRequest[];
  /** Faults served in order, one per request, before the responder answers again. */
  queue(...faults: Fault[]): void;
  /** Faults for requests whose body matches (checked before the shared queue). */
  queueFor(match: (body: ChatBody) => boolean, ...faults: Fault[]): void;
  respondWith(responder: Responder): void;
  close(): Promise<void>;
}

export async function startFaultServer(responder: Responder = () => '{}'): Promise<FaultServer> {
  const requests: RecordedRequest[] = [];
  const shared: Fault[] = [];
  const targeted: { match: (body: ChatBody) => boolean; faults: Fault[] }[] = [];
  let respond = responder;
  const sockets = new Set<import('node:net').Socket>();
  const timers = new Set<NodeJS.Timeout>();

  const server: Server = createServer((req, res) => {
    void handle(req, res);
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const raw = await readBody(req);
    if (req.method !== 'POST' || !req.url?.endsWith('/chat/completions')) {
      res.writeHead(404, { 'content-type': 'application/json' }).end(JSON.stringify({ error: { message: `no route ${req.url}` } }));
      return;
    }
    let body: ChatBody;
    try {
      body = JSON.parse(raw) as ChatBody;
    } catch {
      res.writeHead(400).end();
      return;
    }
    const target = targeted.find((t) => t.faults.length > 0 && t.match(body));
    const fault = target ? target.faults.shift() : shared.shift();
    requests.push({ at: Date.now(), path: req.url, headers: req.headers, body, fault: fault?.kind });
    const later = (ms: number) =>
      new Promise<void>((resolve) => {
        const timer = setTimeout(() => (timers.delete(timer), resolve()), ms);
        timers.add(timer);
      });

    switch (fault?.kind) {
      case 'status': {
        const headers: Record<string, string> = { 'content-type': 'application/json' };
        if (fault.retryAfter !== undefined) headers['retry-after'] = fault.retryAfter;
        if (fault.retryAfterMs !== undefined) headers['retry-after-ms'] = fault.retryAfterMs;
        res.writeHead(fault.status, headers).end(JSON.stringify({ error: { message: fault.message ?? `scripted ${fault.status}`, type: 'test' } }));
        return;
      }
      case 'delay':
        await later(fault.ms);
        if (res.destroyed || req.destroyed) return;
        break;
      case 'hang':
        return; // never answers; the client's abort closes the socket
      case 'reset':
        req.socket.destroy();
        return;
      case 'malformed':
        res.writeHead(200, { 'content-type': 'application/json' }).end('{"id": "x", "choices": [ {"message": ');
        return;
      case 'cut':
        res.writeHead(200, { 'content-type': 'text/event-stream' });
        res.write(sse(chunk(body, 'The answer starts but ')));
        await later(20);
        req.socket.destroy();
        return;
      case 'stall':
        res.writeHead(200, { 'content-type': 'text/event-stream' });
        res.write(sse(chunk(body, 'The answer starts but ')));
        return;
      case 'truncated':
        if (body.stream) {
          res.writeHead(200, { 'content-type': 'text/event-stream' });
          res.write(sse(chunk(body, 'The answer starts but ')));
          res.end(); // no finish_reason, no [DONE]
        } else {
          res.writeHead(200, { 'content-type': 'application/json' }).end('{"id": "x", "choices": [');
        }
        return;
      default:
        break;
    }
    const text = fault?.kind === 'reply' ? fault.content : respond(body);
    answer(body, text, res);
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/v1`,
    requests,
    queue: (...faults) => shared.push(...faults),
    queueFor: (match, ...faults) => targeted.push({ match, faults }),
    respondWith: (r) => (respond = r),
    close: async () => {
      for (const timer of timers) clearTimeout(timer);
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let data = '';
    req.setEncoding('utf8');
    req.on('data', (c: string) => (data += c));
    req.on('end', () => resolve(data));
    req.on('error', reject);
  });
}

const usageOf = (body: ChatBody, text: string) => ({
  prompt_tokens: Math.ceil(body.messages.map((m) => m.content).join('').length / 4),
  completion_tokens: Math.ceil(text.length / 4),
  total_tokens: 0,
});

function answer(body: ChatBody, text: string, res: ServerResponse): void {
  if (!body.stream) {
    res.writeHead(200, { 'content-type': 'application/json' }).end(
      JSON.stringify({
        id: 'chatcmpl-test',
        object: 'chat.completion',
        created: Math.floor(Date.now() / 1000),
        model: body.model,
        choices: [{ index: 0, message: { role: 'assistant', content: text }, finish_reason: 'stop' }],
        usage: usageOf(body, text),
      }),
    );
    return;
  }
  res.writeHead(200, { 'content-type': 'text/event-stream' });
  const pieces = text.match(/[\s\S]{1,24}/g) ?? [''];
  for (const piece of pieces) res.write(sse(chunk(body, piece)));
  res.write(sse({ ...chunk(body, ''), choices: [{ index: 0, delta: {}, finish_reason: 'stop' }] }));
  if ((body.stream_options as { include_usage?: boolean } | undefined)?.include_usage) {
    res.write(sse({ ...chunk(body, ''), choices: [], usage: usageOf(body, text) }));
  }
  res.end('data: [DONE]\n\n');
}

function chunk(body: ChatBody, content: string) {
  return {
    id: 'chatcmpl-test',
    object: 'chat.completion.chunk',
    created: Math.floor(Date.now() / 1000),
    model: body.model,
    choices: [{ index: 0, delta: { content }, finish_reason: null }],
  };
}

function sse(data: unknown): string {
  return `data: ${JSON.stringify(data)}\n\n`;
}
