import { constants, promises as fs } from 'node:fs';
import { errorMessage, UsageError } from '../core/errors';

/** A plan of the largest allowed size (2000 tasks) is well under a megabyte; anything larger is a mistake. */
export const MAX_PLAN_FILE_BYTES = 4 * 1024 * 1024;

/**
 * Reads and parses the JSON of `--plan`. Only a regular file of at most `maxBytes` is read, and never
 * more than `maxBytes + 1` bytes of it, so a FIFO, a device such as /dev/urandom or a huge file cannot
 * hang the command or exhaust its memory. The open is non-blocking: opening a FIFO with no writer
 * would otherwise wait forever, before fstat could tell it is not a file.
 */
export async function readPlanFile(file: string, maxBytes = MAX_PLAN_FILE_BYTES): Promise<unknown> {
  const text = await readCapped(file, maxBytes);
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new UsageError(`--plan ${file}: not valid JSON (${errorMessage(error)})`);
  }
}

async function readCapped(file: string, maxBytes: number): Promise<string> {
  let handle: fs.FileHandle;
  try {
    handle = await fs.open(file, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (error) {
    throw new UsageError(`--plan ${file}: cannot read the file (${errorMessage(error)})`);
  }
  try {
    const info = await handle.stat();
    if (!info.isFile()) throw new UsageError(`--plan ${file}: not a regular file; give the path of a JSON plan file`);
    const tooLarge = () => new UsageError(`--plan ${file}: the file is larger than ${maxBytes} bytes, more than any plan needs`);
    if (info.size > maxBytes) throw tooLarge();
    // The file may grow between fstat and read: read one byte past the cap to notice.
    const buffer = Buffer.alloc(maxBytes + 1);
    let length = 0;
    while (length < buffer.length) {
      const { bytesRead } = await handle.read(buffer, length, buffer.length - length, length);
      if (bytesRead === 0) break;
      length += bytesRead;
    }
    if (length > maxBytes) throw tooLarge();
    return buffer.subarray(0, length).toString('utf8');
  } catch (error) {
    if (error instanceof UsageError) throw error;
    throw new UsageError(`--plan ${file}: cannot read the file (${errorMessage(error)})`);
  } finally {
    await handle.close();
  }
}
