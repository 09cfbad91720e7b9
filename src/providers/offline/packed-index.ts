import MiniSearch, { type AsPlainObject, type Options } from 'minisearch';

/**
 * MiniSearch's serialized index with its postings packed in typed arrays, and loaded lazily.
 *
 * Why: the 10,000-file benchmark folder has 2 million postings. MiniSearch.loadJS turns each into a
 * Map entry (from JSON objects with string keys), which took 0.8 s plus garbage collection: more than
 * everything else a cold CLI process does to answer from the cache. Packed, the postings load as four
 * typed arrays at memory speed, and a term's postings become a Map only when a search first reads
 * them: a question reads a few hundred terms of the index's thousands.
 */
export interface PackedIndex {
  /** MiniSearch's serialized index (serializationVersion 2) without `index`, and `documentIds` and `fieldLength` empty. */
  header: Omit<AsPlainObject, 'index'>;
  /** What `documentIds` and `fieldLength` held, as columns: 77,000 keys of an object each, else. */
  documents: PackedDocuments;
  terms: string[];
  /** Per posting list: [term index, field id, start, end) into `docs` and `freqs`. */
  lists: Uint32Array;
  /** MiniSearch's short document ids. */
  docs: Uint32Array;
  /** Term frequency of the term in that field of that document. */
  freqs: Uint32Array;
}

interface PackedDocuments {
  shortIds: Uint32Array;
  /** The documents' own ids (passage ids: non-negative integers). */
  ids: Uint32Array;
  /** Per document, its length in each field (fieldCount numbers); NO_LENGTH for none. */
  fieldLengths: Uint32Array;
  fieldCount: number;
}

const NO_LENGTH = 0xffffffff;

function packDocuments(header: Omit<AsPlainObject, 'index'>): { header: Omit<AsPlainObject, 'index'>; documents: PackedDocuments } {
  const entries = Object.entries(header.documentIds);
  const fieldCount = Object.keys(header.fieldIds).length;
  const documents: PackedDocuments = { shortIds: new Uint32Array(entries.length), ids: new Uint32Array(entries.length), fieldLengths: new Uint32Array(entries.length * fieldCount), fieldCount };
  entries.forEach(([shortId, id], i) => {
    if (typeof id !== 'number' || !Number.isInteger(id) || id < 0 || id >= NO_LENGTH) throw new Error(`cannot pack the document id ${String(id)}`);
    documents.shortIds[i] = Number(shortId);
    documents.ids[i] = id;
    const lengths = header.fieldLength[shortId] ?? [];
    for (let f = 0; f < fieldCount; f++) documents.fieldLengths[i * fieldCount + f] = lengths[f] ?? NO_LENGTH;
  });
  return { header: { ...header, documentIds: {}, fieldLength: {} }, documents };
}

/** Packs what MiniSearch's toJSON gives (its public serialization). */
export function packIndex(js: AsPlainObject): PackedIndex {
  const { index, ...full } = js;
  const { header, documents } = packDocuments(full);
  if (header.serializationVersion !== 2) throw new Error(`unexpected MiniSearch serialization version ${header.serializationVersion}`);
  const terms: string[] = [];
  const lists: number[] = [];
  let total = 0;
  for (const [, fields] of index) for (const postings of Object.values(fields)) total += Object.keys(postings).length;
  const docs = new Uint32Array(total);
  const freqs = new Uint32Array(total);
  let at = 0;
  for (const [term, fields] of index) {
    const termIndex = terms.push(term) - 1;
    for (const [fieldId, postings] of Object.entries(fields)) {
      const start = at;
      for (const [doc, freq] of Object.entries(postings)) {
        docs[at] = Number(doc);
        freqs[at] = freq;
        at++;
      }
      lists.push(termIndex, Number(fieldId), start, at);
    }
  }
  return { header, documents, terms, lists: Uint32Array.from(lists), docs, freqs };
}

type TermMap = Iterable<[string, Map<number, Map<number, number>>]>;

/**
 * Packs a live index without MiniSearch's toJSON, which turns every posting into an object key (two
 * seconds for the benchmark folder, on every save after a one-file change). Postings still packed
 * (never read since the cache was loaded) are copied as they are. Reaches into `_index` as
 * unpackIndex does; without one it packs toJSON's output.
 */
export function packMiniSearch<T>(search: MiniSearch<T>): PackedIndex {
  const termMap = (search as unknown as { _index?: TermMap })._index;
  if (!termMap || typeof termMap[Symbol.iterator] !== 'function') return packIndex(search.toJSON());
  // toJSON on a stand-in whose term map is empty: the header, read from the real index's fields.
  const { index: _empty, ...full } = search.toJSON.call(Object.assign(Object.create(search) as MiniSearch<T>, { _index: [] }));
  const { header, documents } = packDocuments(full);
  let total = 0;
  for (const [, fields] of termMap) for (const postings of fields.values()) total += postingCount(postings);
  const terms: string[] = [];
  const lists: number[] = [];
  const docs = new Uint32Array(total);
  const freqs = new Uint32Array(total);
  let at = 0;
  for (const [term, fields] of termMap) {
    const termIndex = terms.push(term) - 1;
    for (const [fieldId, postings] of fields) {
      const start = at;
      if (postings instanceof LazyPostings && postings.copyPacked(docs, freqs, at)) at += postings.packedLength;
      else {
        for (const [doc, freq] of postings) {
          docs[at] = doc;
          freqs[at] = freq;
          at++;
        }
      }
      lists.push(termIndex, fieldId, start, at);
    }
  }
  return { header, documents, terms, lists: Uint32Array.from(lists), docs, freqs };
}

/**
 * The MiniSearch index of a PackedIndex. It fills MiniSearch's term map itself, as loadJS does, but
 * with lazy posting maps: this reaches into MiniSearch's private `_index` (checked first; an index
 * this code cannot fill is loaded through loadJS, slower but the same).
 */
export function unpackIndex<T>(packed: PackedIndex, options: Options<T>): MiniSearch<T> {
  const search = MiniSearch.loadJS<T>({ ...packed.header, index: [] }, options);
  const internals = search as unknown as { _index?: { set?: unknown; size?: unknown }; _documentIds?: unknown; _idToShortId?: unknown; _fieldLength?: unknown };
  const termMap = internals._index;
  const { _documentIds: documentIds, _idToShortId: idToShortId, _fieldLength: fieldLength } = internals;
  const fillable =
    typeof termMap?.set === 'function' && termMap.size === 0 && [documentIds, idToShortId, fieldLength].every((map) => map instanceof Map && map.size === 0);
  if (!fillable) return MiniSearch.loadJS<T>({ ...packed.header, ...unpackedDocuments(packed.documents), index: unpackedPostings(packed) }, options);

  const { shortIds, ids, fieldLengths, fieldCount } = packed.documents;
  for (let i = 0; i < shortIds.length; i++) {
    (documentIds as Map<number, number>).set(shortIds[i]!, ids[i]!);
    (idToShortId as Map<number, number>).set(ids[i]!, shortIds[i]!);
    (fieldLength as Map<number, (number | undefined)[]>).set(shortIds[i]!, lengthsAt(fieldLengths, i, fieldCount));
  }
  const setTerm = (termMap!.set as (term: string, fields: Map<number, Map<number, number>>) => void).bind(termMap);
  let current = -1;
  let fields = new Map<number, Map<number, number>>();
  const { lists } = packed;
  for (let i = 0; i < lists.length; i += 4) {
    if (lists[i] !== current) {
      if (current >= 0) setTerm(packed.terms[current]!, fields);
      current = lists[i]!;
      fields = new Map();
    }
    fields.set(lists[i + 1]!, new LazyPostings(packed, lists[i + 2]!, lists[i + 3]!));
  }
  if (current >= 0) setTerm(packed.terms[current]!, fields);
  return search;
}

function lengthsAt(fieldLengths: Uint32Array, i: number, fieldCount: number): (number | undefined)[] {
  const lengths: (number | undefined)[] = [];
  for (let f = 0; f < fieldCount; f++) {
    const length = fieldLengths[i * fieldCount + f]!;
    lengths.push(length === NO_LENGTH ? undefined : length);
  }
  return lengths;
}

/** `documentIds` and `fieldLength` as MiniSearch's own serialization has them, for loadJS. */
function unpackedDocuments(documents: PackedDocuments): Pick<AsPlainObject, 'documentIds' | 'fieldLength'> {
  const documentIds: Record<string, number> = {};
  const fieldLength: Record<string, (number | undefined)[]> = {};
  for (let i = 0; i < documents.shortIds.length; i++) {
    documentIds[documents.shortIds[i]!] = documents.ids[i]!;
    fieldLength[documents.shortIds[i]!] = lengthsAt(documents.fieldLengths, i, documents.fieldCount);
  }
  return { documentIds, fieldLength: fieldLength as Record<string, number[]> };
}

/** The postings as MiniSearch's own serialization has them, for loadJS. */
function unpackedPostings(packed: PackedIndex): AsPlainObject['index'] {
  const byTerm = new Map<string, Record<string, Record<string, number>>>();
  const { lists, docs, freqs } = packed;
  for (let i = 0; i < lists.length; i += 4) {
    const term = packed.terms[lists[i]!]!;
    const postings: Record<string, number> = {};
    for (let at = lists[i + 2]!; at < lists[i + 3]!; at++) postings[docs[at]!] = freqs[at]!;
    byTerm.set(term, { ...byTerm.get(term), [lists[i + 1]!]: postings });
  }
  return [...byTerm];
}

/**
 * A term's postings in one field (short document id → frequency), decoded on first use. Every Map
 * method decodes first, so MiniSearch (search, add, discard, vacuum, toJSON) sees an ordinary Map.
 */
export class LazyPostings extends Map<number, number> {
  private source?: { docs: Uint32Array; freqs: Uint32Array; start: number; end: number };

  constructor(packed: PackedIndex, start: number, end: number) {
    super();
    this.source = { docs: packed.docs, freqs: packed.freqs, start, end };
  }

  /** Its number of postings, without decoding them. */
  get packedLength(): number {
    return this.source ? this.source.end - this.source.start : super.size;
  }

  /** Copies its postings, still packed, to `at`; false once they are decoded (iterate them then). */
  copyPacked(docs: Uint32Array, freqs: Uint32Array, at: number): boolean {
    const source = this.source;
    if (!source) return false;
    docs.set(source.docs.subarray(source.start, source.end), at);
    freqs.set(source.freqs.subarray(source.start, source.end), at);
    return true;
  }

  /** Calls `visit` with each posting, in order, reading the packed arrays without decoding them. */
  forEachPosting(visit: (doc: number, freq: number) => void): void {
    const source = this.source;
    if (!source) {
      for (const [doc, freq] of super.entries()) visit(doc, freq);
      return;
    }
    for (let at = source.start; at < source.end; at++) visit(source.docs[at]!, source.freqs[at]!);
  }

  private decode(): void {
    const source = this.source;
    if (!source) return;
    this.source = undefined;
    for (let at = source.start; at < source.end; at++) super.set(source.docs[at]!, source.freqs[at]!);
  }

  override get size(): number {
    this.decode();
    return super.size;
  }
  override get(key: number): number | undefined {
    this.decode();
    return super.get(key);
  }
  override has(key: number): boolean {
    this.decode();
    return super.has(key);
  }
  override set(key: number, value: number): this {
    this.decode();
    return super.set(key, value);
  }
  override delete(key: number): boolean {
    this.decode();
    return super.delete(key);
  }
  override clear(): void {
    this.source = undefined;
    super.clear();
  }
  override forEach(callback: (value: number, key: number, map: Map<number, number>) => void, thisArg?: unknown): void {
    this.decode();
    super.forEach(callback, thisArg);
  }
  override entries(): MapIterator<[number, number]> {
    this.decode();
    return super.entries();
  }
  override keys(): MapIterator<number> {
    this.decode();
    return super.keys();
  }
  override values(): MapIterator<number> {
    this.decode();
    return super.values();
  }
  override [Symbol.iterator](): MapIterator<[number, number]> {
    this.decode();
    return super[Symbol.iterator]();
  }
}

/**
 * How many documents hold `term` (as indexed) in `field`, read from MiniSearch's term map without
 * scoring a search: the feedback terms and the question's weights need only the count, and a scored
 * search of a common term costs milliseconds on a large folder. Discarded documents still count until
 * a vacuum (they are few). Undefined when the internals are not what this code knows: search then.
 */
export function documentFrequency<T>(search: MiniSearch<T>, term: string, field: string): number | undefined {
  const internals = search as unknown as { _index?: { get?: (term: string) => Map<number, Map<number, number>> | undefined }; _fieldIds?: Record<string, number> };
  const fieldId = internals._fieldIds?.[field];
  if (typeof internals._index?.get !== 'function' || fieldId === undefined) return undefined;
  const postings = internals._index.get(term)?.get(fieldId);
  return postings ? postingCount(postings) : 0;
}

/** How many postings a term's map for one field holds, without decoding a packed one. */
export function postingCount(postings: ReadonlyMap<number, number>): number {
  return postings instanceof LazyPostings ? postings.packedLength : postings.size;
}
