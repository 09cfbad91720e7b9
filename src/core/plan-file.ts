import { BoundedReadError, readBoundedFile } from './bounded-read';
import { errorMessage, UsageError } from './errors';

/** A plan of the largest allowed size (2000 tasks) is well under a megabyte; anything larger is a mistake. */
export const MAX_PLAN_FILE_BYTES = 4 * 1024 * 1024;

/**
 * Reads and parses a plan file: the CLI's `--plan` and VS Code's "Start from Plan File…". Only a regular
 * file of at most `maxBytes` is read (see readBoundedFile), so a FIFO, a device such as /dev/urandom or
 * a huge file cannot hang the command or exhaust its memory. `name` starts each error message (default:
 * `--plan <file>`).
 */
export async function readPlanFile(file: string, maxBytes = MAX_PLAN_FILE_BYTES, name = `--plan ${file}`): Promise<unknown> {
  const text = readCapped(file, maxBytes, name);
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new UsageError(`${name}: not valid JSON (${errorMessage(error)})`);
  }
}

function readCapped(file: string, maxBytes: number, name: string): string {
  let bytes: Buffer | undefined;
  try {
    bytes = readBoundedFile(file, maxBytes, { followLinks: true });
  } catch (error) {
    if (error instanceof BoundedReadError && error.problem === 'not-a-file') throw new UsageError(`${name}: not a regular file; give the path of a JSON plan file`);
    if (error instanceof BoundedReadError && error.problem === 'too-large') throw new UsageError(`${name}: the file is larger than ${maxBytes} bytes, more than any plan needs`);
    throw new UsageError(`${name}: cannot read the file (${errorMessage(error)})`);
  }
  if (bytes === undefined) throw new UsageError(`${name}: cannot read the file (no such file)`);
  return bytes.toString('utf8');
}
