import { execFile } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { builtWorker } from '../../test/support/worker-process';
import { repo } from '../../test/support/run-cli';

const run = promisify(execFile);

/** The newest modification time of any file under `dir`, in ms. */
function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const file = path.join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(file) : statSync(file).mtimeMs);
  }
  return newest;
}

/**
 * Worker processes run the bundle (dist/worker.js), as a person runs them; a bundle missing or older
 * than any source file would measure code that is not the branch's, so it is built again first.
 * Returns whether it had to build.
 */
export async function ensureWorkerBuilt(): Promise<boolean> {
  if (existsSync(builtWorker) && statSync(builtWorker).mtimeMs >= newestMtime(path.join(repo, 'src'))) return false;
  await run(process.execPath, ['esbuild.js', '--quiet'], { cwd: repo });
  return true;
}
