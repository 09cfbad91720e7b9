import { realpathSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { UsageError } from '../core/errors';

/**
 * The folders an MCP client may have researched: the `--dir` folders the server was started with, or
 * else the roots the client announces, or else the folder the server was started in — never the whole
 * disk. A folder asked for must exist and lie inside one of them, links resolved.
 */
export class AllowedRoots {
  private roots: string[];

  constructor(
    private readonly fromFlags: readonly string[],
    private readonly startedIn: string,
  ) {
    this.roots = (fromFlags.length > 0 ? fromFlags : [startedIn]).map(canonical);
  }

  get list(): readonly string[] {
    return this.roots;
  }

  /** The client's roots (`file://` URIs), used when the server was started without `--dir`. */
  useClientRoots(uris: readonly string[]): void {
    if (this.fromFlags.length > 0) return;
    const folders = uris.flatMap((uri) => {
      try {
        return uri.startsWith('file:') ? [canonical(fileURLToPath(uri))] : [];
      } catch {
        return [];
      }
    });
    this.roots = folders.length > 0 ? folders : [canonical(this.startedIn)];
  }

  /** The folder to research: `folder` (absolute) if it is allowed, else the first root. */
  resolve(folder: string | undefined): string {
    if (folder === undefined || folder.trim() === '') return this.roots[0]!;
    if (!path.isAbsolute(folder)) throw new UsageError(`"${folder}" is not an absolute path: give the folder as an absolute path, e.g. ${this.roots[0]}`);
    let real: string;
    try {
      real = canonical(folder);
      if (!statSync(real).isDirectory()) throw new UsageError(`${folder} is not a folder`);
    } catch (error) {
      if (error instanceof UsageError) throw error;
      throw new UsageError(`the folder ${folder} does not exist`);
    }
    if (!this.roots.some((root) => real === root || real.startsWith(`${root}${path.sep}`))) {
      throw new UsageError(`${folder} is outside the folders this server may research (${this.roots.join(', ')}): start it with --dir for that folder`);
    }
    return real;
  }
}

function canonical(folder: string): string {
  try {
    return realpathSync(path.resolve(folder));
  } catch {
    return path.resolve(folder);
  }
}
