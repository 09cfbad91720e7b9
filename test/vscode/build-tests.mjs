// Bundles the integration tests (test/integration/index.ts and every *.test.ts) into
// dist/test/integration/, one CommonJS file per entry, for VS Code's extension host.
// `vscode` is provided by the extension host and `mocha` is loaded from the repo's node_modules
// (dist/ sits inside the repo, so Node's resolution finds it from there).
// Usage: node test/vscode/build-tests.mjs   (or import { buildTests } from it)
import * as esbuild from 'esbuild';
import { readdirSync, rmSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const testsSourceDir = join(repoRoot, 'test/integration');
export const testsOutDir = join(repoRoot, 'dist/test/integration');
/** The compiled entry VS Code loads as extensionTestsPath. */
export const testsEntry = join(testsOutDir, 'index.js');

function findEntries(dir) {
  const entries = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = join(dir, entry.name);
    if (entry.isDirectory()) {
      if (entry.name !== 'fixture-workspace' && entry.name !== 'node_modules') entries.push(...findEntries(full));
    } else if (entry.name.endsWith('.test.ts') || full === join(testsSourceDir, 'index.ts')) {
      entries.push(full);
    }
  }
  return entries.sort();
}

/** Builds the tests; returns the compiled test files (not the entry). */
export async function buildTests({ quiet = false } = {}) {
  const entryPoints = findEntries(testsSourceDir);
  // Start clean so tests deleted from the source do not linger in dist/.
  rmSync(testsOutDir, { recursive: true, force: true });
  await esbuild.build({
    entryPoints,
    outdir: testsOutDir,
    outbase: testsSourceDir,
    bundle: true,
    format: 'cjs',
    platform: 'node',
    target: 'node20',
    external: ['vscode', 'mocha'],
    sourcemap: 'inline',
    sourcesContent: false,
    logLevel: 'error',
    // As in esbuild.js: jsonc-parser's UMD "main" requires its own files dynamically; its ES build bundles.
    alias: { 'jsonc-parser': join(repoRoot, 'node_modules/jsonc-parser/lib/esm/main.js') },
  });
  const tests = entryPoints
    .filter((file) => file.endsWith('.test.ts'))
    .map((file) => join(testsOutDir, relative(testsSourceDir, file).replace(/\.ts$/, '.js')));
  if (!quiet) console.log(`[build-tests] ${tests.length} test file(s) -> ${relative(repoRoot, testsOutDir)}`);
  return tests;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  buildTests().catch((error) => {
    if (!error?.errors) console.error(error);
    process.exit(1);
  });
}
