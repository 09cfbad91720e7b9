import * as vscode from 'vscode';
import type { ResearchProvider } from '../core/provider';
import { createProviderFromSettings, PROVIDER_IDS, type ProviderId, type ProviderSettings } from '../providers/create-provider';
import { createVscodeLmChatModel } from './lm/vscode-lm-chat-model';
import { readWebSettings } from './web-settings';

/** The `research.*` settings that choose the provider, as the plain settings createProviderFromSettings takes. */
export function readProviderSettings(scope?: vscode.ConfigurationScope): ProviderSettings {
  const config = vscode.workspace.getConfiguration('research', scope);
  const web = readWebSettings(scope);
  const provider = config.get<string>('provider', 'offline');
  return {
    provider: (PROVIDER_IDS as readonly string[]).includes(provider) ? (provider as ProviderId) : 'offline',
    model: {
      openaiBaseUrl: config.get<string>('openai.baseUrl'),
      models: { planner: config.get<string>('models.planner'), researcher: config.get<string>('models.researcher'), writer: config.get<string>('models.writer') },
      endpoints: config.get<unknown[]>('endpoints', []),
      prices: config.get<Record<string, unknown>>('prices', {}),
      budgetUsd: config.get<number | null>('budgetUsd', null),
      budgetTokens: config.get<number | null>('budgetTokens', null),
    },
    search: { backend: web.searchBackend, searxngUrl: web.searxngUrl },
    lm: { vendor: web.lmVendor, family: web.lmFamily },
  };
}

/**
 * The provider for one run in VS Code: `settings` (default: the workspace's research.* settings), keys
 * from SecretStorage then the environment, VS Code's language model when the provider is vscode-lm.
 * `runDir` is `<folder>/<outputFolder>/<runId>` — choose the run id first (newRunId) and pass it to
 * research() too — so that web pages are stored with the run.
 */
export function createProviderForRun(
  context: vscode.ExtensionContext,
  folder: vscode.Uri,
  run: { outputFolder: string; runDir: string; settings?: ProviderSettings },
): Promise<ResearchProvider> {
  const settings = run.settings ?? readProviderSettings(folder);
  return createProviderFromSettings({
    settings,
    root: folder.fsPath,
    outputFolder: run.outputFolder,
    runDir: run.runDir,
    keys: { secretGet: (key) => context.secrets.get(key), env: process.env },
    chatModelForLm: settings.provider === 'vscode-lm' ? createVscodeLmChatModel({ ...settings.lm, access: context.languageModelAccessInformation }) : undefined,
  });
}
