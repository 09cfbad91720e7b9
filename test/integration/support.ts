import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { ExtensionTestApi } from '../../src/extension/extension';

/** What integration tests share: the extension's test API, the Redis setting, a bounded wait. */

export const EXTENSION_ID = 'research-dispatcher.research-dispatcher';

export async function api(): Promise<ExtensionTestApi> {
  const extension = vscode.extensions.getExtension<{ api: ExtensionTestApi }>(EXTENSION_ID);
  assert.ok(extension, `extension ${EXTENSION_ID} is not loaded`);
  return (await extension.activate()).api;
}

export async function setRedisUrl(value: string | undefined): Promise<void> {
  await vscode.workspace.getConfiguration('research').update('redis.url', value, vscode.ConfigurationTarget.Workspace);
}
