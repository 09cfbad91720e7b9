import * as vscode from 'vscode';
import { KNOWN_API_KEYS, apiKeyEnvVar, secretStorageKey, validateKeyName } from '../providers/api-keys';
import { readEndpointNames } from './settings';

/**
 * "Research: Set API Key" and "Research: Clear API Key": keys live in VS Code's SecretStorage, one per
 * endpoint name or search API, typed into a password box and never logged or shown. The names of the
 * stored keys (not the keys) are remembered in globalState so Clear can offer them. The password of
 * the Redis that `research.redis.url` names is set and cleared the same way, as "Redis password".
 */

const NAMES_STATE = 'research.apiKeyNames';
const OTHER = 'Another endpoint…';

/**
 * The name the commands give the Redis password (the pick lists show it; tests pass it). It has a
 * space, which no key name may have (validateKeyName), so no endpoint can ever share its entry.
 */
export const REDIS_PASSWORD_NAME = 'Redis password';
/** Its SecretStorage entry. */
export const REDIS_PASSWORD_SECRET = 'research.redis.password';
/** Read when none is stored, as the CLI and the workers do (REDIS_PASSWORD_ENV in src/distributed/redis-url.ts). */
const REDIS_PASSWORD_ENV = 'RESEARCH_REDIS_PASSWORD';

/** The SecretStorage entry of a name the commands take. */
function secretKeyOf(name: string): string {
  return name === REDIS_PASSWORD_NAME ? REDIS_PASSWORD_SECRET : secretStorageKey(name);
}

/**
 * The stored Redis password, or undefined when none is stored (parseRedisUrl then reads
 * RESEARCH_REDIS_PASSWORD, as in the CLI).
 */
export async function readRedisPassword(context: vscode.ExtensionContext): Promise<string | undefined> {
  return (await context.secrets.get(REDIS_PASSWORD_SECRET))?.trim() || undefined;
}

export interface SetApiKeyResult {
  name: string;
}

export interface ClearApiKeyResult {
  name: string;
  /** False when no key was stored under that name. */
  removed: boolean;
}

export function registerSecretCommands(context: vscode.ExtensionContext): void {
  context.subscriptions.push(
    vscode.commands.registerCommand('research.setApiKey', (name?: unknown, key?: unknown) => setApiKey(context, name, key)),
    vscode.commands.registerCommand('research.clearApiKey', (name?: unknown) => clearApiKey(context, name)),
  );
}

/**
 * Stores a key. Both arguments are optional (tests and other extensions pass them; people are asked):
 * the name from a pick list, the key from a password box.
 */
async function setApiKey(context: vscode.ExtensionContext, nameArgument: unknown, keyArgument: unknown): Promise<SetApiKeyResult | undefined> {
  const name = typeof nameArgument === 'string' ? nameArgument : await pickName(storedNames(context), 'Which key do you want to set?');
  if (name === undefined) return undefined;
  let checked: string;
  try {
    checked = name === REDIS_PASSWORD_NAME ? name : validateKeyName(name);
  } catch (error) {
    void vscode.window.showErrorMessage(`Research: ${(error as Error).message}`);
    return undefined;
  }
  const key =
    typeof keyArgument === 'string'
      ? keyArgument
      : await vscode.window.showInputBox({
          title: `Research: Set API Key — ${checked}`,
          prompt:
            checked === REDIS_PASSWORD_NAME
              ? "The password of the Redis that research.redis.url names (workers). It is kept in VS Code's secret storage, never in settings."
              : `The API key for ${KNOWN_API_KEYS[checked]?.description ?? `the endpoint "${checked}"`}. It is kept in VS Code's secret storage, never in settings.`,
          password: true,
          ignoreFocusOut: true,
          validateInput: (value) => (value.trim() === '' ? 'Paste the key, or press Escape to cancel.' : undefined),
        });
  if (key === undefined || key.trim() === '') return undefined;
  await context.secrets.store(secretKeyOf(checked), key.trim());
  await context.globalState.update(NAMES_STATE, [...new Set([...storedNames(context), checked])].sort());
  void vscode.window.showInformationMessage(
    checked === REDIS_PASSWORD_NAME
      ? "Research: the Redis password is stored in VS Code's secret storage; it applies to the next run."
      : `Research: the API key for "${checked}" is stored in VS Code's secret storage.`,
  );
  return { name: checked };
}

async function clearApiKey(context: vscode.ExtensionContext, nameArgument: unknown): Promise<ClearApiKeyResult | undefined> {
  const names = storedNames(context);
  let name: string | undefined;
  if (typeof nameArgument === 'string') {
    name = nameArgument.trim();
  } else {
    if (names.length === 0) {
      void vscode.window.showInformationMessage('Research: no API key is stored. Keys in environment variables are not touched.');
      return undefined;
    }
    name = (await vscode.window.showQuickPick(names, { title: 'Research: Clear API Key', placeHolder: 'Which stored key do you want to remove?' }))?.trim();
  }
  if (!name) return undefined;
  const removed = (await context.secrets.get(secretKeyOf(name))) !== undefined;
  await context.secrets.delete(secretKeyOf(name));
  await context.globalState.update(NAMES_STATE, names.filter((n) => n !== name));
  const redis = name === REDIS_PASSWORD_NAME;
  void vscode.window.showInformationMessage(
    removed
      ? `Research: ${redis ? 'the Redis password' : `the API key for "${name}"`} is removed.`
      : `Research: ${redis ? 'no Redis password was stored' : `no API key was stored for "${name}"`}.`,
  );
  return { name, removed };
}

function storedNames(context: vscode.ExtensionContext): string[] {
  const names = context.globalState.get<unknown>(NAMES_STATE);
  return Array.isArray(names) ? names.filter((n): n is string => typeof n === 'string') : [];
}

/** Known keys, endpoints named in settings, keys stored before, the Redis password, and a way to name another. */
async function pickName(stored: readonly string[], placeHolder: string): Promise<string | undefined> {
  const names = new Set([...Object.keys(KNOWN_API_KEYS), ...readEndpointNames(), ...stored.filter((n) => n !== REDIS_PASSWORD_NAME)]);
  const items: vscode.QuickPickItem[] = [...names].map((name) => ({
    label: name,
    description: `${KNOWN_API_KEYS[name]?.description ?? 'endpoint'} · or ${apiKeyEnvVar(name)}`,
    detail: stored.includes(name) ? 'a key is stored; setting one replaces it' : undefined,
  }));
  items.push({
    label: REDIS_PASSWORD_NAME,
    description: `for workers on the Redis of research.redis.url · or ${REDIS_PASSWORD_ENV}`,
    detail: stored.includes(REDIS_PASSWORD_NAME) ? 'a password is stored; setting one replaces it' : undefined,
  });
  items.push({ label: OTHER, description: 'type the endpoint name' });
  const picked = await vscode.window.showQuickPick(items, { title: 'Research: Set API Key', placeHolder, ignoreFocusOut: true });
  if (!picked) return undefined;
  if (picked.label !== OTHER) return picked.label;
  return vscode.window.showInputBox({
    title: 'Research: Set API Key',
    prompt: 'The endpoint name, as in your endpoint settings',
    ignoreFocusOut: true,
    validateInput: (value) => {
      try {
        validateKeyName(value);
        return undefined;
      } catch (error) {
        return (error as Error).message;
      }
    },
  });
}
