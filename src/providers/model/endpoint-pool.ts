import { PermanentError, RateLimitedError } from '../../core/errors';
import { isRateLimited, retryAfterMs } from '../../core/retry';
import type { ChatModel, ChatRequest, ChatResponse } from './chat-model';
import { RequestRejectedError } from './chat-errors';
import { DEFAULT_HEALTH, EndpointHealth, type HealthOptions } from './endpoint-health';
import { EndpointLimiter, type EndpointLimits, type Lease } from './endpoint-limiter';
import type { SharedEndpointState } from './shared-endpoint-state';
import { estimateTokens } from './token-estimate';

/** One endpoint as the pool sees it: what it serves, its limits, and how to talk to it. */
export interface PoolEndpoint {
  name: string;
  /** Models it serves; undefined: any model asked for. */
  models?: readonly string[];
  limits: EndpointLimits;
  /** Its per-minute limits and 429 pause kept where every worker sees them; undefined: this process only. */
  shared?: SharedEndpointState;
  chatModel(model: string): ChatModel;
}

export interface PoolOptions {
  health?: Partial<HealthOptions>;
  /** A 429's Retry-After pauses the endpoint for at most this long. Default 60 s. */
  maxPauseMs?: number;
  /** The pause after a 429 that names no wait. Default 1 s. */
  defaultPauseMs?: number;
  /** Output tokens reserved for a request that sets no maxOutputTokens. */
  defaultOutputTokens?: number;
  now?: () => number;
}

/** What a front end can show about an endpoint. Plain data. */
export interface EndpointStatus {
  name: string;
  healthy: boolean;
  inFlight: number;
  /** Milliseconds before it takes a request by its rate limits or a 429's pause. */
  heldMs: number;
  msUntilProbe: number;
}

interface Member {
  endpoint: PoolEndpoint;
  limiter: EndpointLimiter;
  health: EndpointHealth;
  order: number;
}

/**
 * Several endpoints behind one ChatModel per model name (seeds 000/004's LoadBalancer, least loaded):
 * each request goes to the healthy endpoint serving the model with the lowest load (in flight and
 * queued per slot) among those its rate limits let through now. Endpoints that keep failing are taken
 * out and probed back in (EndpointHealth) while another serves the model; a 429 pauses its endpoint
 * for every task (EndpointLimiter).
 * No request is retried here: failures go back to the dispatcher, which retries the task.
 */
export class EndpointPool {
  private readonly members: Member[];
  private readonly maxPauseMs: number;
  private readonly defaultPauseMs: number;
  private readonly defaultOutputTokens: number;

  constructor(endpoints: readonly PoolEndpoint[], options: PoolOptions = {}) {
    const now = options.now ?? Date.now;
    const health = { ...DEFAULT_HEALTH, ...options.health };
    this.members = endpoints.map((endpoint, order) => ({
      endpoint,
      limiter: new EndpointLimiter(endpoint.name, endpoint.limits, now, endpoint.shared),
      health: new EndpointHealth(health, now),
      order,
    }));
    this.maxPauseMs = options.maxPauseMs ?? 60_000;
    this.defaultPauseMs = options.defaultPauseMs ?? 1000;
    this.defaultOutputTokens = options.defaultOutputTokens ?? 1000;
  }

  /** A ChatModel for `model` that balances its requests over the endpoints serving it. */
  chatModel(model: string): ChatModel {
    return { id: `pool:${model}`, complete: (request) => this.complete(model, request) };
  }

  status(): EndpointStatus[] {
    return this.members.map((m) => ({
      name: m.endpoint.name,
      healthy: !m.health.isOut,
      inFlight: m.limiter.active,
      heldMs: m.limiter.holdMs(0),
      msUntilProbe: m.health.msUntilProbe,
    }));
  }

  private async complete(model: string, request: ChatRequest): Promise<ChatResponse> {
    request.signal.throwIfAborted();
    const tokens = estimateTokens(request.messages.map((m) => m.content).join('\n')) + (request.maxOutputTokens ?? this.defaultOutputTokens);
    // Endpoints whose limits held this request after all (a pause while it waited for a slot; shared
    // budgets used up by other workers): each is tried once, then pick says how long to wait.
    const refused = new Map<Member, RateLimitedError>();
    let member: Member;
    let probe: boolean;
    let lease: Lease;
    for (;;) {
      member = this.pick(model, tokens, refused);
      probe = member.health.availability() === 'probe';
      if (probe) member.health.beginProbe();
      try {
        lease = await member.limiter.acquire(tokens, request.signal, request.onWait);
        break;
      } catch (error) {
        if (probe) member.health.endProbe();
        if (!(error instanceof RateLimitedError)) throw error;
        refused.set(member, error);
      }
    }
    try {
      const response = await member.endpoint.chatModel(model).complete(request);
      member.health.success();
      // The answer is in hand (and paid for): a shared store that cannot be reached to settle the
      // tokens does not fail it. The next acquire asks the store again and fails if it is still away.
      await lease.settle(response.usage.inputTokens + response.usage.outputTokens).catch(() => undefined);
      return response;
    } catch (error) {
      await this.learn(member, error, request.signal, probe);
      throw error;
    } finally {
      lease.release();
    }
  }

  /** Least loaded among healthy endpoints that can send now; otherwise says how long to wait. */
  private pick(model: string, tokens: number, refused: ReadonlyMap<Member, RateLimitedError>): Member {
    const serving = this.members.filter((m) => !m.endpoint.models || m.endpoint.models.includes(model));
    if (serving.length === 0) {
      throw new PermanentError(`no endpoint serves model "${model}": add it to the "models" of an endpoint, or leave "models" out to allow any`);
    }
    // The breaker moves traffic to healthy endpoints; it never leaves a model with none. When every
    // endpoint serving it is out, requests go through anyway and the dispatcher's retries decide.
    const healthy = serving.filter((m) => m.health.availability() !== 'no');
    const available = healthy.length > 0 ? healthy : serving;
    const untried = available.filter((m) => !refused.has(m));
    const ready = untried.filter((m) => m.limiter.holdMs(tokens) === 0);
    if (ready.length === 0) {
      // Shared limits: what this process last heard may be out of date (other workers give tokens
      // back), so the least held of them is asked; its store decides.
      const shared = untried.filter((m) => m.limiter.isShared);
      if (shared.length > 0) return shared.reduce((best, m) => (m.limiter.holdMs(tokens) < best.limiter.holdMs(tokens) ? m : best));
      throw this.heldError(model, tokens, available, refused);
    }
    // Probing an endpoint that is back from its cooldown comes first: otherwise it would never be tried.
    return ready.reduce((best, m) => {
      const mProbe = m.health.availability() === 'probe';
      const bestProbe = best.health.availability() === 'probe';
      if (mProbe !== bestProbe) return mProbe ? m : best;
      return m.limiter.load < best.limiter.load || (m.limiter.load === best.limiter.load && m.order < best.order) ? m : best;
    });
  }

  /**
   * A RateLimitedError with the shortest wait: the task waits in RETRYING, out of its dispatcher slot,
   * without using up its retries. A refusal by the limiter itself is passed on as it is: it says why.
   */
  private heldError(model: string, tokens: number, available: readonly Member[], refused: ReadonlyMap<Member, RateLimitedError>): RateLimitedError {
    const waitOf = (m: Member) => Math.max(m.limiter.holdMs(tokens), retryAfterMs(refused.get(m)) ?? 0);
    const soonest = available.reduce((best, m) => (waitOf(m) < waitOf(best) ? m : best));
    const own = refused.get(soonest);
    if (own) return own;
    const names = available.map((m) => `"${m.endpoint.name}"`).join(', ');
    return new RateLimitedError(`${available.length === 1 ? 'endpoint' : 'endpoints'} ${names} for model "${model}" cannot take a request yet (rate limit)`, waitOf(soonest));
  }

  /** What a failure says about the endpoint: a 429 pauses it; breakage counts against its health. */
  private async learn(member: Member, error: unknown, signal: AbortSignal, probe: boolean): Promise<void> {
    if (isRateLimited(error)) {
      const asked = retryAfterMs(error);
      // This process holds at once. If a shared store cannot take the pause, the 429 still goes back
      // with its wait, and other workers' next acquire fails on the same store instead of sending.
      await member.limiter.pause(Math.min(asked ?? this.defaultPauseMs, this.maxPauseMs)).catch(() => undefined);
      if (probe) member.health.success(); // it answered: it is up, only busy
      return;
    }
    if (signal.aborted) {
      // Timed out: the endpoint was too slow, which counts. Cancelled: says nothing about it.
      const reason = signal.reason as { name?: unknown } | undefined;
      if (reason?.name === 'TimeoutError') member.health.failure();
      else if (probe) member.health.endProbe();
      return;
    }
    if (error instanceof RequestRejectedError) {
      if (probe) member.health.success();
      return;
    }
    member.health.failure();
  }
}
