import * as vscode from 'vscode';
import type { ResearchProvider } from '../core/provider';
import { createProviderFromSettings, type ProviderSettings } from '../providers/create-provider';
import { readProviderSettings } from './settings';
import type { CorpusSource } from '../providers/offline';
import type { ProviderFactory } from '../core/run/run-service';
import type { WorkspaceIndexRegistry } from './workspace-indexes';
import { lmSelector, noModelError } from './lm/lm-translate';
import { createVscodeLmChatModel } from './lm/vscode-lm-chat-model';

/**
 * The provider for one run in VS Code: `settings` (default: the workspace's research.* settings), keys
 * from SecretStorage then the environment, VS Code's language model when the provider is vscode-lm.
 * `runDir` is `<folder>/<outputFolder>/<runId>` — choose the run id first (newRunId) and pass it to
 * research() too — so that web pages are stored with the run. `workspaceIndex` gives the folder's
 * corpus kept across runs (WorkspaceIndexRegistry), asked only when the settings search the workspace.
 */
export async function createProviderForRun(
  context: vscode.ExtensionContext,
  folder: vscode.Uri,
  run: {
    outputFolder: string;
    runDir: string;
    settings?: ProviderSettings;
    workspaceIndex?: (settings: ProviderSettings) => CorpusSource | undefined;
    /** vscode-lm: this model for every role (the one picked in the chat), instead of research.lm.*. */
    lmModel?: vscode.LanguageModelChat;
  },
): Promise<ResearchProvider> {
  const settings = run.settings ?? readProviderSettings(folder);
  if (settings.provider === 'vscode-lm' && !run.lmModel) await requireLanguageModel(settings.lm ?? {});
  return createProviderFromSettings({
    settings,
    root: folder.fsPath,
    outputFolder: run.outputFolder,
    runDir: run.runDir,
    workspaceIndex: run.workspaceIndex?.(settings),
    keys: { secretGet: (key) => context.secrets.get(key), env: process.env },
    chatModelForLm: settings.provider === 'vscode-lm' ? createVscodeLmChatModel({ ...settings.lm, access: context.languageModelAccessInformation, model: run.lmModel }) : undefined,
  });
}

/**
 * The run service's provider factory for VS Code: the research.* settings (or those the person
 * consented to on resume), the folder's offline corpus kept across runs when the workspace is searched.
 */
export function providerFactoryFor(
  context: vscode.ExtensionContext,
  folder: vscode.WorkspaceFolder,
  run: {
    outputFolder: string;
    settings?: ProviderSettings;
    indexes: WorkspaceIndexRegistry;
    onProvider?: (provider: ResearchProvider, runId: string) => void;
    /** vscode-lm: the model picked in the chat. */
    lmModel?: vscode.LanguageModelChat;
  },
): ProviderFactory {
  return async ({ runId, runDir }) => {
    const provider = await createProviderForRun(context, folder.uri, {
      outputFolder: run.outputFolder,
      runDir,
      settings: run.settings,
      lmModel: run.lmModel,
      workspaceIndex: (chosen) => ((chosen.search?.backend ?? 'workspace') === 'workspace' ? run.indexes.indexFor(folder.uri.fsPath, run.outputFolder) : undefined),
    });
    run.onProvider?.(provider, runId);
    return provider;
  };
}

/**
 * The model is otherwise looked up at the first request, after planning started: with none that
 * matches, say so (and which settings choose it) before a run starts, rather than fail every task.
 */
async function requireLanguageModel(lm: { vendor?: string; family?: string }): Promise<void> {
  const selector = lmSelector(lm);
  const [model] = await vscode.lm.selectChatModels(selector);
  if (!model) throw noModelError(selector, await vscode.lm.selectChatModels());
}
