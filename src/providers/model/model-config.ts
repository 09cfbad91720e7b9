import * as z from 'zod';
import { UsageError } from '../../core/errors';
import { TASK_KINDS } from '../../core/plan';

/**
 * How model-backed research is set up, as one plain object shared by the CLI (`--models-config`) and
 * the extension (settings): the endpoints, which model plays which role, prices and a budget. Keys are
 * never part of it: they come from VS Code's SecretStorage or an environment variable.
 */

const FORBIDDEN_KEY_FIELDS = ['apiKey', 'api_key', 'key', 'token', 'secret', 'password', 'authorization'];

const modelName = z.string().trim().min(1, 'a model name must not be empty');

export const endpointSchema = z.strictObject({
  /** Shown in progress and errors; defaults to the base URL's host. */
  name: z.string().trim().min(1).max(100).optional(),
  baseUrl: z.url({ protocol: /^https?$/, error: 'baseUrl must be an http:// or https:// URL, e.g. http://127.0.0.1:11434/v1' }),
  /** The environment variable the CLI reads this endpoint's key from. Default OPENAI_API_KEY. */
  apiKeyEnv: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'apiKeyEnv must be an environment variable name').optional(),
  /** Models this endpoint serves; leave out to send it any model. */
  models: z.array(modelName).optional(),
  /** Requests in flight at once. */
  concurrency: z.number().int().min(1).max(256).default(4),
  requestsPerMinute: z.number().positive().optional(),
  tokensPerMinute: z.number().positive().optional(),
});

const priceSchema = z.strictObject({
  /** US dollars per million input (prompt) tokens. */
  inputPerMillion: z.number().min(0),
  /** US dollars per million output (completion) tokens. */
  outputPerMillion: z.number().min(0),
});

const routeSchema = z.strictObject({
  /** The kind of task the rule is for; leave out for any. */
  kind: z.enum(TASK_KINDS).optional(),
  /** Applies when the task's input is at least this many (estimated) tokens. */
  minInputTokens: z.number().int().min(0).optional(),
  model: modelName,
});

export const modelConfigSchema = z.strictObject({
  endpoints: z.array(endpointSchema).min(1, 'give at least one endpoint'),
  /** Seed 004's roles: who plans, who reads sources, who writes. A missing role uses `model`. */
  roles: z
    .strictObject({ planner: modelName.optional(), researcher: modelName.optional(), writer: modelName.optional() })
    .default({}),
  /** The model of every role not named in `roles`. */
  model: modelName.optional(),
  /**
   * Routing by task: the first matching rule picks the model; otherwise search and analyze go to the
   * researcher, synthesize to the writer, and an analysis of more than `largeInputTokens` to the writer.
   */
  routes: z.array(routeSchema).default([]),
  largeInputTokens: z.number().int().min(0).default(6000),
  /** Prices by model name. */
  prices: z.record(z.string(), priceSchema).default({}),
  budget: z
    .strictObject({
      usd: z.number().positive().optional(),
      tokens: z.number().int().positive().optional(),
    })
    .default({}),
  health: z
    .strictObject({
      failuresBeforeOut: z.number().int().min(1).default(3),
      cooldownSeconds: z.number().positive().default(30),
    })
    .default({ failuresBeforeOut: 3, cooldownSeconds: 30 }),
  /** A 429's Retry-After pauses its endpoint for at most this long. */
  maxRateLimitWaitSeconds: z.number().positive().max(3600).default(60),
  temperature: z.number().min(0).max(2).optional(),
});

export type ModelConfigInput = z.input<typeof modelConfigSchema>;
export type ModelConfig = z.output<typeof modelConfigSchema>;
export type EndpointConfig = ModelConfig['endpoints'][number];
export type ModelPrice = z.output<typeof priceSchema>;
export type ModelRoles = { planner: string; researcher: string; writer: string };

/** Finds key-like fields anywhere in the object, so the message can say where keys belong instead. */
function keyFieldPaths(value: unknown, path = ''): string[] {
  if (Array.isArray(value)) return value.flatMap((item, i) => keyFieldPaths(item, `${path}[${i}]`));
  if (!value || typeof value !== 'object') return [];
  return Object.entries(value).flatMap(([key, inner]) => {
    const here = path ? `${path}.${key}` : key;
    return [...(FORBIDDEN_KEY_FIELDS.includes(key) ? [here] : []), ...(key === 'prices' ? [] : keyFieldPaths(inner, here))];
  });
}

/**
 * Parses and checks a model configuration; throws a UsageError naming every problem. `where` says
 * where it came from (a file, the settings) for the message.
 */
export function parseModelConfig(input: unknown, where = 'the model configuration'): ModelConfig {
  const keys = keyFieldPaths(input);
  if (keys.length > 0) {
    throw new UsageError(
      `${where}: ${keys.join(', ')}: API keys never go in configuration (it gets shared and committed); set the OPENAI_API_KEY environment variable (or the variable named by apiKeyEnv), or use "Research: Set API Key" in VS Code`,
    );
  }
  const parsed = modelConfigSchema.safeParse(input);
  if (!parsed.success) {
    const problems = parsed.error.issues.slice(0, 10).map((issue) => `${issue.path.map(String).join('.') || 'config'}: ${issue.message}`);
    throw new UsageError(`${where} is invalid: ${problems.join('; ')}`);
  }
  const config = parsed.data;
  const roles = rolesOf(config);
  const missing = (['planner', 'researcher', 'writer'] as const).filter((role) => !roles[role]);
  if (missing.length > 0) {
    throw new UsageError(`${where}: no model for ${missing.join(', ')}: set "model" (or --model) or name one under "roles"`);
  }
  const names = new Set<string>();
  for (const endpoint of config.endpoints) {
    const name = endpointName(endpoint);
    if (names.has(name)) throw new UsageError(`${where}: two endpoints are named "${name}": give each a distinct "name"`);
    names.add(name);
  }
  if (config.budget.usd !== undefined) {
    const unpriced = [...new Set([...Object.values(roles), ...config.routes.map((r) => r.model)])].filter((m) => !config.prices[m]);
    if (unpriced.length > 0) {
      throw new UsageError(
        `${where}: a budget in USD needs prices for ${unpriced.map((m) => `"${m}"`).join(', ')}: add them under "prices" ({ "inputPerMillion": …, "outputPerMillion": … }), or set budget.tokens instead`,
      );
    }
  }
  return config;
}

export function rolesOf(config: ModelConfig): ModelRoles {
  return {
    planner: config.roles.planner ?? config.model ?? '',
    researcher: config.roles.researcher ?? config.model ?? '',
    writer: config.roles.writer ?? config.model ?? '',
  };
}

/** The endpoint's name, or its host when it has none. */
export function endpointName(endpoint: EndpointConfig): string {
  if (endpoint.name) return endpoint.name;
  try {
    return new URL(endpoint.baseUrl).host;
  } catch {
    return endpoint.baseUrl;
  }
}
