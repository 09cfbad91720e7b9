import { readFile } from 'node:fs/promises';
import { errorMessage, UsageError } from '../core/errors';
import { parseModelConfig, type ModelConfig } from '../providers/model/model-config';
import { DEFAULT_OPENAI_BASE_URL } from '../providers/model/settings-config';
import { recordedProviderSettings, type ProviderId, type ProviderSettings } from '../providers/create-provider';
import type { CliOptions } from './args';

/**
 * The model configuration the command line describes: `--models-config` if given, with `--base-url`
 * replacing its endpoints, `--model` naming the model of every role it leaves unnamed, and the budget
 * flags setting the budget.
 */
export async function modelConfigFromArgs(options: CliOptions, recorded?: ModelConfig): Promise<ModelConfig> {
  let base: Record<string, unknown> = recorded ? { ...recorded } : {};
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
  if (options.model !== undefined && recorded) delete config.roles; // --model names every role again
  if (options.baseUrl !== undefined || config.endpoints === undefined) {
    config.endpoints = [{ baseUrl: options.baseUrl ?? DEFAULT_OPENAI_BASE_URL }];
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

/**
 * The provider the command line asks for, as the settings createProviderFromSettings takes. For
 * `--resume`, `stored` is what run.json recorded: the run's own provider, models and search, with
 * each option typed again replacing its part.
 */
export async function providerSettingsFromArgs(options: CliOptions, stored?: Readonly<Record<string, unknown>>): Promise<ProviderSettings> {
  const given = (name: string) => options.explicit.has(name);
  const previous = stored ? recordedProviderSettings(stored) : undefined;
  const provider = (given('provider') ? options.provider : previous?.provider ?? options.provider) as ProviderId;
  const search = given('search') || given('searxng-url') || given('allow-private-pages') || !previous?.search
    ? {
        backend: options.search ?? previous?.search?.backend ?? 'workspace',
        searxngUrl: options.searxngUrl ?? previous?.search?.searxngUrl,
        allowPrivateAddresses: options.allowPrivatePages || previous?.search?.allowPrivateAddresses,
      }
    : previous.search;
  const settings: ProviderSettings = { provider, search };
  if (provider === 'openai') {
    const modelGiven = MODEL_FLAGS.some(given);
    if (previous?.modelConfig && !modelGiven) settings.modelConfig = previous.modelConfig;
    else if (previous?.modelConfig && !given('models-config')) settings.modelConfig = await modelConfigFromArgs(options, previous.modelConfig);
    else {
      if (options.model === undefined && options.modelsConfig === undefined) {
        throw new UsageError('--provider openai needs a model: add --model <name> (e.g. --model gpt-4o-mini, or --model llama3.1 for Ollama), or --models-config <file.json>');
      }
      settings.modelConfig = await modelConfigFromArgs(options);
    }
  } else if (provider === 'vscode-lm') {
    throw new UsageError('this run used VS Code\'s language models, which only VS Code can reach: resume it there, or add --provider openai (or offline)');
  }
  return settings;
}

const MODEL_FLAGS = ['base-url', 'model', 'models-config', 'budget-usd', 'budget-tokens'];
