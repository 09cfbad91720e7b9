/**
 * A small fake of an OpenAI-compatible `/v1/chat/completions` on 127.0.0.1, for the cancel and
 * rate-limit benchmarks. Each request is answered as `decide` says: after a delay, with 200 and a
 * chat completion, or with an error status and headers (429 with Retry-After). It records when each
 * request arrived and when each was closed, on the same clock (performance.now()) as the benchmark,
 * which runs in the same process.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import OpenAI from 'openai';

export interface Answer {
  /** Wait this long before answering (a request closed by the client meanwhile is never answered). */
  delayMs: number;
  status?: number;
  headers?: Record<string, string>;
}

export interface Arrival {
  /** 1-based, in arrival order. */
  seq: number;
  at: number;
  status?: number;
  /** When the response was sent or the client went away. */
  closedAt?: number;
  abortedByClient: boolean;
}

export class LoopbackServer {
  readonly arrivals: Arrival[] = [];
  private readonly server = createServer((req, res) => this.handle(req, res));
  private port = 0;
  open = 0;

  constructor(public decide: (seq: number) => Answer) {}

  async start(): Promise<this> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(0, '127.0.0.1', () => resolve());
    });
    this.port = (this.server.address() as AddressInfo).port;
    return this;
  }

  get baseURL(): string {
    return `http://127.0.0.1:${this.port}/v1`;
  }

  /** A client the way real runs build one: the dispatcher is the only retry layer, so maxRetries 0. */
  client(maxRetries = 0): OpenAI {
    return new OpenAI({ apiKey: 'loopback-benchmark', baseURL: this.baseURL, maxRetries, timeout: 60_000 });
  }

  reset(decide?: (seq: number) => Answer): void {
    this.arrivals.length = 0;
    if (decide) this.decide = decide;
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const arrival: Arrival = { seq: this.arrivals.length + 1, at: performance.now(), abortedByClient: false };
    this.arrivals.push(arrival);
    this.open++;
    let timer: NodeJS.Timeout | undefined;
    let done = false;
    const finish = (aborted: boolean) => {
      if (done) return;
      done = true;
      this.open--;
      arrival.closedAt = performance.now();
      arrival.abortedByClient = aborted;
      if (timer) clearTimeout(timer);
    };
    res.on('close', () => finish(!res.writableFinished));
    req.resume(); // the body is not needed; drain it
    if (req.method !== 'POST' || !req.url?.endsWith('/chat/completions')) {
      res.writeHead(404, { 'content-type': 'application/json' }).end(JSON.stringify({ error: { message: 'not found' } }));
      return;
    }
    const answer = this.decide(arrival.seq);
    timer = setTimeout(() => {
      const status = answer.status ?? 200;
      arrival.status = status;
      const body =
        status === 200
          ? {
              id: `chatcmpl-${arrival.seq}`,
              object: 'chat.completion',
              created: Math.floor(Date.now() / 1000),
              model: 'loopback',
              choices: [{ index: 0, message: { role: 'assistant', content: 'ok', refusal: null }, finish_reason: 'stop', logprobs: null }],
              usage: { prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 },
            }
          : { error: { message: `status ${status}`, type: status === 429 ? 'rate_limit_exceeded' : 'server_error' } };
      res.writeHead(status, { 'content-type': 'application/json', ...answer.headers }).end(JSON.stringify(body));
    }, answer.delayMs);
  }
}

/** One chat completion, as a task's work. */
export async function askLoopback(client: OpenAI, content: string, signal?: AbortSignal): Promise<string> {
  const completion = await client.chat.completions.create({ model: 'loopback', messages: [{ role: 'user', content }] }, { signal });
  return completion.choices[0]?.message.content ?? '';
}
