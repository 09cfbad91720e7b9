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

/** Polls `check` until it gives a truthy value; fails after `timeoutMs` (a bound, not a timed assertion). */
export async function waitFor<T>(what: string, check: () => T | undefined | false | Promise<T | undefined | false>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() >= deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
