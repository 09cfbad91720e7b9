/**
 * The retrieval benchmark's corpora: real documentation and source shipped in npm packages the project
 * already installs, so every machine that can build the project has the same text to search. Each
 * corpus is a selection of one package's files, copied with their package-relative paths (the paths
 * the question files name as answers).
 */
import { copyFile, mkdir, readdir, stat } from 'node:fs/promises';
import * as path from 'node:path';

/** Files of one folder of the package: those whose names end with one of `extensions` (any, when absent). */
interface FolderRule {
  dir: string;
  recursive: boolean;
  extensions?: readonly string[];
}

export interface CorpusSpec {
  name: string;
  /** The npm package the text comes from. */
  pkg: string;
  folders: readonly FolderRule[];
  /** Single files, relative to the package. */
  files: readonly string[];
}

// Other packages' docs (the job queue's, the web framework's, the HTTP client's) are deliberately not
// here: they are held out for an independent check of the provider, so no question may be tuned on them.
export const CORPORA: readonly CorpusSpec[] = [
  { name: 'pino', pkg: 'pino', folders: [{ dir: 'docs', recursive: false, extensions: ['.md'] }, { dir: 'lib', recursive: false, extensions: ['.js'] }], files: ['README.md'] },
  {
    name: 'markdownlint',
    pkg: 'markdownlint',
    folders: [{ dir: 'doc', recursive: false, extensions: ['.md'] }, { dir: 'lib', recursive: false, extensions: ['.mjs', '.js'] }],
    files: ['README.md'],
  },
  { name: 'openai', pkg: 'openai', folders: [{ dir: 'src', recursive: true }], files: ['README.md'] },
  { name: 'mocha', pkg: 'mocha', folders: [{ dir: 'lib', recursive: true }], files: ['README.md'] },
];

/**
 * The installed package's folder. Not require.resolve: some of these packages' `exports` hide their
 * package.json, and the files wanted here are not entry points anyway.
 */
export function packageDir(pkg: string): string {
  return path.join(__dirname, '..', '..', 'node_modules', pkg);
}

/** The corpus's files, relative to the package with `/` separators, sorted. */
export async function corpusFiles(spec: CorpusSpec): Promise<string[]> {
  const base = packageDir(spec.pkg);
  const out: string[] = [...spec.files];
  const walk = async (rel: string, rule: FolderRule): Promise<void> => {
    for (const entry of await readdir(path.join(base, rel), { withFileTypes: true })) {
      const child = `${rel}/${entry.name}`;
      if (entry.isDirectory()) {
        if (rule.recursive) await walk(child, rule);
      } else if (entry.isFile() && (!rule.extensions || rule.extensions.some((ext) => entry.name.endsWith(ext)))) out.push(child);
    }
  };
  for (const rule of spec.folders) await walk(rule.dir, rule);
  for (const file of spec.files) if (!(await stat(path.join(base, file))).isFile()) throw new Error(`${spec.pkg}: ${file} is not a file`);
  return out.sort();
}

/** Copies the corpus under `dest` (a run writes its output folder into the root it researches). */
export async function copyCorpus(spec: CorpusSpec, dest: string): Promise<string[]> {
  const base = packageDir(spec.pkg);
  const files = await corpusFiles(spec);
  for (const file of files) {
    const target = path.join(dest, ...file.split('/'));
    await mkdir(path.dirname(target), { recursive: true });
    await copyFile(path.join(base, ...file.split('/')), target);
  }
  return files;
}
