/**
 * A stand-in for the `vscode` module, so that the bundled extension can be loaded and activated in
 * plain Node to time `activate()`. Every property is another stub, every call returns a stub, and
 * classes can be constructed and extended; nothing does anything. It measures the extension's own
 * start-up work, not VS Code's.
 */
import { readFileSync } from 'node:fs';
import Module, { createRequire } from 'node:module';

type Stub = ((...args: unknown[]) => unknown) & Record<PropertyKey, unknown>;

export function createStub(): Stub {
  const children = new Map<PropertyKey, Stub>();
  const child = (key: PropertyKey): Stub => {
    let value = children.get(key);
    if (!value) children.set(key, (value = createStub()));
    return value;
  };
  const special = (key: PropertyKey): unknown => {
    if (key === 'then') return undefined; // not a thenable: `await stub` must not hang
    if (key === Symbol.iterator) return function* () {};
    if (key === Symbol.toPrimitive) return (hint: string) => (hint === 'number' ? 0 : '');
    if (key === 'dispose') return () => undefined;
    return child(key);
  };
  // What the extension's code assigns to a stub (e.g. a static field, or `name` on an error class): a
  // function's own `name` is read-only, so assignments are kept here instead of on the target.
  const assigned = new Map<PropertyKey, unknown>();
  return new Proxy(function stub() {} as unknown as Stub, {
    get: (target, key) => (key === 'prototype' ? target.prototype : assigned.has(key) ? assigned.get(key) : special(key)),
    set: (_target, key, value) => {
      assigned.set(key, value);
      return true;
    },
    apply: () => createStub(),
    // An instance of the caller's class (so subclasses of vscode.TreeItem keep their methods) whose
    // missing properties are stubs.
    construct: (_target, _args, newTarget: { prototype: object }) =>
      new Proxy(Object.create(newTarget.prototype) as object, {
        get: (object, key, receiver) => (key in object ? Reflect.get(object, key, receiver) : special(key)),
      }),
  });
}

/**
 * The `vscode` module: one stub per name the API exports (its namespaces, classes and enums, read from
 * @types/vscode), as real own properties, since bundlers copy a module's own properties on import.
 */
export function createVscodeModule(): Record<string, unknown> {
  const typesFile = createRequire(__filename).resolve('@types/vscode/index.d.ts');
  const names = new Set(readFileSync(typesFile, 'utf8').match(/^\texport (?:class|enum|namespace|const|function|let) \w+/gm)?.map((line) => line.split(' ').pop()!));
  return Object.fromEntries([...names].map((name) => [name, createStub()]));
}

/** An ExtensionContext good enough for activate(): real subscriptions array, stubs elsewhere. */
export function createContext(): { subscriptions: { dispose(): unknown }[] } {
  const subscriptions: { dispose(): unknown }[] = [];
  const rest = createStub();
  return new Proxy({ subscriptions }, { get: (object, key) => (key === 'subscriptions' ? object.subscriptions : rest[key]) });
}

const STUB_ID = '\0vscode-stub';

/** Makes `require('vscode')` return `stub` until the returned function is called. */
export function installVscodeStub(stub: unknown): () => void {
  const moduleInternals = Module as unknown as {
    _resolveFilename: (request: string, ...rest: unknown[]) => string;
    _cache: Record<string, unknown>;
  };
  const original = moduleInternals._resolveFilename;
  moduleInternals._resolveFilename = function (this: unknown, request: string, ...rest: unknown[]) {
    return request === 'vscode' ? STUB_ID : original.call(this, request, ...rest);
  };
  moduleInternals._cache[STUB_ID] = { id: STUB_ID, filename: STUB_ID, loaded: true, exports: stub };
  return () => {
    moduleInternals._resolveFilename = original;
    delete moduleInternals._cache[STUB_ID];
  };
}

/**
 * Compiles a CommonJS file as Node's loader would, without any require hooks the benchmark process
 * has (tsx's), so the time is Node's own.
 */
export function loadCommonJs(file: string, source: string): Record<string, unknown> {
  const ModuleClass = Module as unknown as new (id: string) => {
    filename: string;
    paths: string[];
    exports: Record<string, unknown>;
    _compile(source: string, filename: string): void;
  };
  const mod = new ModuleClass(file);
  mod.filename = file;
  mod.paths = (Module as unknown as { _nodeModulePaths(dir: string): string[] })._nodeModulePaths(file.replace(/[\\/][^\\/]*$/, ''));
  mod._compile(source, file);
  return mod.exports;
}
