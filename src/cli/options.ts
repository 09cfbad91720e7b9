import { stat } from 'node:fs/promises';
import * as path from 'node:path';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { errorMessage, UsageError } from '../core/errors';
import { describeRange, inRange, type Range } from '../core/limits';

/** What `npm run research` and `npm run worker` share in reading their command lines. */

/** node:util's parseArgs, its errors turned into a UsageError without Node's advice on positionals. */
export function parseCommandLine<T extends ParseArgsConfig>(config: T): ReturnType<typeof parseArgs<T>> {
  try {
    return parseArgs(config);
  } catch (error) {
    throw new UsageError(`${errorMessage(error).replace(/\. To specify a positional.*$/s, '')}; see --help`);
  }
}

/** A number option that may be left out, and otherwise must lie in `range`. */
export function optionalRange(name: string, value: string | undefined, range: Range): number | undefined {
  return value === undefined ? undefined : rangeOption(name, value, range.min, range);
}

/** A number option that must lie in `range`; the message gives the range. */
export function rangeOption(name: string, value: string | undefined, fallback: number, range: Range): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!inRange(range, n)) throw new UsageError(`--${name} must be ${describeRange(range)}, not "${value}"`);
  return n;
}

export function integerOption(name: string, value: string | undefined, fallback: number, min: number, max: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min || n > max) {
    throw new UsageError(`--${name} must be a whole number from ${min} to ${max}, not "${value}"`);
  }
  return n;
}

/** The folder given with --dir, resolved; a UsageError when there is no such folder. */
export async function requireFolder(dir: string): Promise<string> {
  const resolved = path.resolve(dir);
  const info = await stat(resolved).catch(() => undefined);
  if (!info?.isDirectory()) throw new UsageError(`--dir ${dir}: no such folder`);
  return resolved;
}
