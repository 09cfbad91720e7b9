import { UsageError } from '../../core/errors';
import { parseModelConfig, type ModelConfig } from './model-config';

/**
 * The extension's `research.*` model settings as plain values (the extension reads them with
 * `workspace.getConfiguration`; this module never imports vscode). There is deliberately no setting
 * for a key: keys live in SecretStorage ("Research: Set API Key").
 */
export interface ModelSettings {
  /** research.openai.baseUrl: the endpoint when research.endpoints is empty. */
  openaiBaseUrl?: string;
  /** research.models.planner / researcher / writer; an empty one takes the first role that is set. */
  models?: { planner?: string; researcher?: string; writer?: string };
  /** research.endpoints: several endpoints, balanced by load; replaces openaiBaseUrl when not empty. */
  endpoints?: unknown[];
  /** research.prices: { "<model>": { "inputPerMillion": n, "outputPerMillion": n } } in US dollars. */
  prices?: Record<string, unknown>;
  /** research.budgetUsd: null or 0 for none. */
  budgetUsd?: number | null;
  /** research.budgetTokens: null or 0 for none. */
  budgetTokens?: number | null;
}

export const DEFAULT_OPENAI_BASE_URL = 'https://api.openai.com/v1';

/** Turns the settings into the model configuration the CLI uses too; a UsageError names the setting to fix. */
export function modelConfigFromSettings(settings: ModelSettings): ModelConfig {
  const named = (['planner', 'researcher', 'writer'] as const).map((role) => settings.models?.[role]?.trim() || undefined);
  const fallback = named.find((m) => m !== undefined);
  if (!fallback) {
    throw new UsageError('no model is set: set research.models.planner, research.models.researcher and research.models.writer (one is enough; the others use it)');
  }
  const endpoints =
    settings.endpoints && settings.endpoints.length > 0 ? settings.endpoints : [{ baseUrl: settings.openaiBaseUrl?.trim() || DEFAULT_OPENAI_BASE_URL }];
  const budget = {
    ...(settings.budgetUsd ? { usd: settings.budgetUsd } : {}),
    ...(settings.budgetTokens ? { tokens: settings.budgetTokens } : {}),
  };
  return parseModelConfig(
    {
      endpoints,
      roles: { planner: named[0] ?? fallback, researcher: named[1] ?? fallback, writer: named[2] ?? fallback },
      prices: settings.prices ?? {},
      budget,
    },
    'the research.* settings',
  );
}
