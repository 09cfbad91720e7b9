/**
 * Files that tools write, not people: lock files, minified bundles, source maps. They are text, often
 * large and committed, and a search over them returns noise (hashes, mangled names) while costing
 * most of the indexing time. Recognised by name only, so the test is free.
 */
const LOCK_FILES = new Set([
  'package-lock.json',
  'npm-shrinkwrap.json',
  'yarn.lock',
  'pnpm-lock.yaml',
  'bun.lock',
  'Cargo.lock',
  'poetry.lock',
  'Pipfile.lock',
  'uv.lock',
  'composer.lock',
  'Gemfile.lock',
  'go.sum',
  'flake.lock',
  'packages.lock.json',
]);

const GENERATED_SUFFIXES = ['.min.js', '.min.mjs', '.min.css', '.map', '.snap'];

export function isGeneratedFile(name: string): boolean {
  return LOCK_FILES.has(name) || GENERATED_SUFFIXES.some((suffix) => name.endsWith(suffix));
}
