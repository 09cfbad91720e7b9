import * as vscode from 'vscode';
import { DEFAULT_LIMITS } from '../core/defaults';
import { clampToRange, CONCURRENCY, MAX_RETRIES, TIMEOUT_SECONDS } from '../core/limits';
import { DEFAULT_OUTPUT_FOLDER } from '../core/research';

/** The extension's settings, read fresh for each run (concurrency and timeout also during one). */
export interface ResearchSettings {
  concurrency: number;
  taskTimeoutMs: number;
  maxRetries: number;
  outputFolder: string;
  /** Who does the work; "offline" is the embedded default. */
  provider: string;
  /** Where tasks run: workers through the Redis at this URL, or in this process when empty. */
  redisUrl: string;
}

export function readSettings(scope?: vscode.ConfigurationScope): ResearchSettings {
  const config = vscode.workspace.getConfiguration('research', scope);
  return {
    // The editor checks a setting's range only as a hint: a hand-edited value is moved into it.
    concurrency: Math.floor(clampToRange(CONCURRENCY, config.get<number>('concurrency', DEFAULT_LIMITS.concurrency))),
    taskTimeoutMs: clampToRange(TIMEOUT_SECONDS, config.get<number>('taskTimeoutSeconds', DEFAULT_LIMITS.taskTimeoutSeconds)) * 1000,
    maxRetries: Math.floor(clampToRange(MAX_RETRIES, config.get<number>('maxRetries', DEFAULT_LIMITS.maxRetries))),
    outputFolder: config.get<string>('outputFolder', DEFAULT_OUTPUT_FOLDER) || DEFAULT_OUTPUT_FOLDER,
    provider: config.get<string>('provider', 'offline') || 'offline',
    redisUrl: readRedisUrl(scope),
  };
}

/** `research.redis.url`, trimmed; empty means tasks run in this process. Also read by the Workers view. */
export function readRedisUrl(scope?: vscode.ConfigurationScope): string {
  const value = vscode.workspace.getConfiguration('research', scope).get<unknown>('redis.url', '');
  return typeof value === 'string' ? value.trim() : '';
}
