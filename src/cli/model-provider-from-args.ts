import { readFile } from 'node:fs/promises';
import { errorMessage, UsageError } from '../core/errors';
import type { ResearchProvider } from '../core/provider';
import { parseModelConfig, type ModelConfig } from '../providers/model/model-config';
import { createWorkspaceSources } from '../providers/model/workspace-sources';
import { createOpenAIResearchProvider, DEFAULT_KEY_ENV } from '../providers/openai';
import type { CliOptions } from './args';

const OPENAI_BASE_URL = 'https://api.openai.com/v1';

/**
 * The model configuration the command line describes: `--models-config` if given, with `--base-url`
 * replacing its endpoints, `--model` naming the model of every role it leaves unnamed, and the budget
 * flags setting the budget.
 */
export async function modelConfigFromArgs(options: CliOptions): Promise<ModelConfig> {
  let base: Record<string, unknown> = {};
  if (options.modelsConfig !== undefined) {
    let text: string;
    try {
      text = await readFile(options.modelsConfig, 'utf8');
    } catch (error) {
      throw new UsageError(`--models-config ${options.modelsConfig}: cannot read the file (${errorMessage(error)})`);
    }
    try {
      base = JSON.parse(text) as Record<string, unknown>;
    } catch (error) {
      throw new UsageError(`--models-config ${options.modelsConfig}: not valid JSON (${errorMessage(error)})`);
    }
    if (!base || typeof base !== 'object' || Array.isArray(base)) throw new UsageError(`--models-config ${options.modelsConfig}: must hold a JSON object`);
  }
  const config: Record<string, unknown> = { ...base };
  if (options.baseUrl !== undefined || config.endpoints === undefined) {
    config.endpoints = [{ baseUrl: options.baseUrl ?? OPENAI_BASE_URL }];
  }
  if (options.model !== undefined) config.model = options.model;
  if (options.budgetUsd !== undefined || options.budgetTokens !== undefined) {
    config.budget = {
      ...(config.budget as object | undefined),
      ...(options.budgetUsd !== undefined ? { usd: options.budgetUsd } : {}),
      ...(options.budgetTokens !== undefined ? { tokens: options.budgetTokens } : {}),
    };
  }
  return parseModelConfig(config, options.modelsConfig !== undefined ? `--models-config ${options.modelsConfig}` : 'the model options');
}

/** `--provider openai`: keys come from the environment only (OPENAI_API_KEY, or an endpoint's apiKeyEnv). */
export async function modelProviderFromArgs(options: CliOptions, root: string, env: NodeJS.ProcessEnv): Promise<ResearchProvider> {
  const config = await modelConfigFromArgs(options);
  return createOpenAIResearchProvider({
    config,
    sources: createWorkspaceSources({ root }),
    keyFor: (endpoint) => env[endpoint.apiKeyEnv ?? DEFAULT_KEY_ENV],
    howToSetKey: (endpoint) => `set the ${endpoint.apiKeyEnv ?? DEFAULT_KEY_ENV} environment variable to the endpoint's key`,
  });
}
