import type * as vscode from 'vscode';
import { printableText } from '../core/control-chars';
import { errorMessage } from '../core/errors';

const WRITES = new Set<PropertyKey>(['trace', 'debug', 'info', 'warn', 'error', 'append', 'appendLine', 'replace']);

/**
 * The output channel, with every message made printable first: messages carry task ids, file names and
 * servers' words, and a newline or an escape sequence in them must not forge or garble log entries.
 * (An Error is logged as its message: its stack would repeat the same text unescaped.)
 */
export function printableLog(channel: vscode.LogOutputChannel): vscode.LogOutputChannel {
  const clean = (value: unknown) => (typeof value === 'string' ? printableText(value) : value instanceof Error ? printableText(errorMessage(value)) : value);
  return new Proxy(channel, {
    get(target, property) {
      const value: unknown = Reflect.get(target, property, target);
      if (typeof value !== 'function') return value;
      if (!WRITES.has(property)) return value.bind(target);
      return (...args: unknown[]) => (value as (...a: unknown[]) => unknown).apply(target, args.map(clean));
    },
  });
}
