import * as vscode from 'vscode';
import { SEARCH_BACKENDS, type SearchBackendName } from '../providers/web';

/** The settings of web search and VS Code's language models, read fresh for each run. */
export interface WebSettings {
  searchBackend: SearchBackendName;
  searxngUrl: string;
  lmVendor: string;
  lmFamily: string;
}

export function readWebSettings(scope?: vscode.ConfigurationScope): WebSettings {
  const config = vscode.workspace.getConfiguration('research', scope);
  const backend = config.get<string>('search.backend', 'workspace');
  return {
    searchBackend: (SEARCH_BACKENDS as readonly string[]).includes(backend) ? (backend as SearchBackendName) : 'workspace',
    searxngUrl: config.get<string>('search.searxngUrl', '').trim(),
    lmVendor: config.get<string>('lm.vendor', 'copilot').trim(),
    lmFamily: config.get<string>('lm.family', '').trim(),
  };
}
