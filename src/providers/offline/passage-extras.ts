import type { Passage } from './passages';

/**
 * What passages carry beyond their path, lines and text (their heading trail, their declaration, their
 * boilerplate kind), stored for the index cache as columns of small tables.
 *
 * Why: kept as one object per passage, V8 took 0.18 s to deserialize them for the 10,000-file benchmark
 * folder, more than the rest of the cache together. A section's passages share one heading trail, so
 * trails and names are stored once each and passages point at them by number; a field this file does
 * not know is kept whole, per passage, as before.
 */
export interface StoredExtras {
  /** Distinct heading trails, each joined with TRAIL_SEPARATOR. */
  trails: string[];
  /** Per passage: 1 + its trail's index in `trails`, or 0 for none. */
  trailIds: Uint32Array;
  /** Distinct symbols and boilerplate kinds. */
  names: string[];
  /** Per passage: 1 + its symbol's index in `names`, or 0. */
  symbolIds: Uint32Array;
  /** Per passage: 1 + its boilerplate kind's index in `names`, or 0. */
  boilerplateIds: Uint32Array;
  /** [passage number, its other fields] for fields not above. */
  others: [number, Record<string, unknown>][];
}

const TRAIL_SEPARATOR = '\u0000';

type Extras = Pick<Passage & { headings?: string[]; symbol?: string; boilerplate?: string }, 'headings' | 'symbol' | 'boilerplate'>;

export function encodeExtras(passages: readonly Passage[]): StoredExtras {
  const trails = new Table();
  const names = new Table();
  const stored: StoredExtras = {
    trails: trails.values,
    trailIds: new Uint32Array(passages.length),
    names: names.values,
    symbolIds: new Uint32Array(passages.length),
    boilerplateIds: new Uint32Array(passages.length),
    others: [],
  };
  passages.forEach((passage, i) => {
    const { path: _path, startLine: _start, endLine: _end, text: _text, headings, symbol, boilerplate, ...rest } = passage as Passage & Extras;
    const other: Record<string, unknown> = rest;
    // A trail whose headings hold the separator cannot be joined: it is kept whole with the others.
    if (headings !== undefined && headings.every((heading) => !heading.includes(TRAIL_SEPARATOR))) stored.trailIds[i] = 1 + trails.id(headings.join(TRAIL_SEPARATOR));
    else if (headings !== undefined) other.headings = headings;
    if (symbol !== undefined) stored.symbolIds[i] = 1 + names.id(symbol);
    if (boilerplate !== undefined) stored.boilerplateIds[i] = 1 + names.id(boilerplate);
    if (Object.keys(other).length > 0) stored.others.push([i, other]);
  });
  return stored;
}

/** A reader of stored extras, passage by passage; each trail is split once and shared. */
export function extrasReader(stored: StoredExtras): (n: number) => Record<string, unknown> | undefined {
  const others = new Map(stored.others);
  const trails: (string[] | undefined)[] = [];
  return (n) => {
    const trailId = stored.trailIds[n]!;
    const symbolId = stored.symbolIds[n]!;
    const boilerplateId = stored.boilerplateIds[n]!;
    const other = others.get(n);
    if (trailId === 0 && symbolId === 0 && boilerplateId === 0) return other;
    const extra: Record<string, unknown> = { ...other };
    if (trailId !== 0) extra.headings = trails[trailId] ??= stored.trails[trailId - 1]!.split(TRAIL_SEPARATOR);
    if (symbolId !== 0) extra.symbol = stored.names[symbolId - 1];
    if (boilerplateId !== 0) extra.boilerplate = stored.names[boilerplateId - 1];
    return extra;
  };
}

/** Whether `value` is a StoredExtras for `count` passages whose ids all point into its tables. */
export function isStoredExtras(value: unknown, count: number): value is StoredExtras {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Partial<StoredExtras>;
  if (!isStrings(v.trails) || !isStrings(v.names) || !Array.isArray(v.others)) return false;
  const columns = [v.trailIds, v.symbolIds, v.boilerplateIds];
  if (!columns.every((column) => column instanceof Uint32Array && column.length === count)) return false;
  if (!inRange(v.trailIds!, v.trails.length) || !inRange(v.symbolIds!, v.names.length) || !inRange(v.boilerplateIds!, v.names.length)) return false;
  return v.others.every((entry) => Array.isArray(entry) && Number.isSafeInteger(entry[0]) && typeof entry[1] === 'object' && entry[1] !== null);
}

function isStrings(value: unknown): value is string[] {
  return Array.isArray(value) && value.every((item) => typeof item === 'string');
}

function inRange(ids: Uint32Array, size: number): boolean {
  for (let i = 0; i < ids.length; i++) if (ids[i]! > size) return false;
  return true;
}

/** Distinct strings, numbered in order of first use. */
class Table {
  readonly values: string[] = [];
  private readonly ids = new Map<string, number>();
  id(value: string): number {
    let id = this.ids.get(value);
    if (id === undefined) {
      id = this.values.push(value) - 1;
      this.ids.set(value, id);
    }
    return id;
  }
}
