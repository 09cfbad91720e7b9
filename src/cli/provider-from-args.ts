import { readFile } from 'node:fs/promises';
import { errorMessage, UsageError } from '../core/errors';
import { parseModelConfig, type ModelConfig } from '../providers/model/model-config';
import { DEFAULT_OPENAI_BASE_URL } from '../providers/model/settings-config';
import type { ProviderId, ProviderSettings } from '../providers/create-provider';
import type { CliOptions } from './args';

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
 * The provider the command line asks for, as the settings createProviderFromSettings takes: the flags,
 * `--models-config` and the environment, nothing else. A resume uses the same: a run's run.json comes
 * with the folder researched and never chooses an endpoint, a key variable or a search server.
 */
export async function providerSettingsFromArgs(options: CliOptions): Promise<ProviderSettings> {
  const provider = options.provider as ProviderId;
  const search = { backend: options.search ?? 'workspace', searxngUrl: options.searxngUrl, allowPrivateAddresses: options.allowPrivatePages || undefined };
  const settings: ProviderSettings = { provider, search };
  if (provider === 'openai') {
    if (options.model === undefined && options.modelsConfig === undefined) {
      throw new UsageError('--provider openai needs a model: add --model <name> (e.g. --model gpt-4o-mini, or --model llama3.1 for Ollama), or --models-config <file.json>');
    }
    settings.modelConfig = await modelConfigFromArgs(options);
  } else if (provider === 'vscode-lm') {
    throw new UsageError("VS Code's language models can only be reached from VS Code: run it there, or use --provider openai (or offline)");
  }
  return settings;
}

/** The flags that choose where text goes: typing one on a resume is choosing the target on purpose. */
export const TARGET_FLAGS = ['provider', 'base-url', 'model', 'models-config', 'search', 'searxng-url'];
