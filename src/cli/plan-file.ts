import { BoundedReadError, readBoundedFile } from '../core/bounded-read';
import { errorMessage, UsageError } from '../core/errors';

/** A plan of the largest allowed size (2000 tasks) is well under a megabyte; anything larger is a mistake. */
export const MAX_PLAN_FILE_BYTES = 4 * 1024 * 1024;

/**
 * Reads and parses the JSON of `--plan`. Only a regular file of at most `maxBytes` is read (see
 * readBoundedFile), so a FIFO, a device such as /dev/urandom or a huge file cannot hang the command or
 * exhaust its memory.
 */
export async function readPlanFile(file: string, maxBytes = MAX_PLAN_FILE_BYTES): Promise<unknown> {
  const text = readCapped(file, maxBytes);
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new UsageError(`--plan ${file}: not valid JSON (${errorMessage(error)})`);
  }
}

function readCapped(file: string, maxBytes: number): string {
  let bytes: Buffer | undefined;
  try {
    bytes = readBoundedFile(file, maxBytes, { followLinks: true });
  } catch (error) {
    if (error instanceof BoundedReadError && error.problem === 'not-a-file') throw new UsageError(`--plan ${file}: not a regular file; give the path of a JSON plan file`);
    if (error instanceof BoundedReadError && error.problem === 'too-large') throw new UsageError(`--plan ${file}: the file is larger than ${maxBytes} bytes, more than any plan needs`);
    throw new UsageError(`--plan ${file}: cannot read the file (${errorMessage(error)})`);
  }
  if (bytes === undefined) throw new UsageError(`--plan ${file}: cannot read the file (no such file)`);
  return bytes.toString('utf8');
}
