import { closeSync, constants, fstatSync, openSync, readSync } from 'node:fs';

/** Why a file was not read: each caller words it for its own file (a plan, a run's journal…). */
export type BoundedReadProblem = 'link' | 'not-a-file' | 'too-large';

export class BoundedReadError extends Error {
  constructor(
    readonly file: string,
    readonly problem: BoundedReadProblem,
    /** For `too-large`: the size seen (at least maxBytes + 1). */
    readonly size = 0,
  ) {
    super(`${file}: ${problem}`);
    this.name = 'BoundedReadError';
  }
}

/**
 * The bytes of a regular file of at most `maxBytes`, or undefined when it does not exist. The one way
 * this program reads a file it did not write and must not trust: a plan given with --plan, a run
 * folder's journal, run.json and lock.
 * - The open is non-blocking, so a FIFO with no writer cannot make it wait forever before fstat tells
 *   it is not a file; a device such as /dev/urandom is refused the same way.
 * - Never more than `maxBytes + 1` bytes are read, so a file that grows after fstat is noticed, not
 *   loaded.
 * - With `followLinks: false` a symbolic link is refused (O_NOFOLLOW), so a link swapped in cannot make
 *   it read somewhere else.
 * Other errors (permissions, I/O) are thrown as they are.
 */
export function readBoundedFile(file: string, maxBytes: number, options: { followLinks: boolean }): Buffer | undefined {
  let fd: number;
  try {
    fd = openSync(file, constants.O_RDONLY | constants.O_NONBLOCK | (options.followLinks ? 0 : constants.O_NOFOLLOW));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return undefined;
    if (code === 'ELOOP') throw new BoundedReadError(file, 'link');
    throw error;
  }
  try {
    const stat = fstatSync(fd);
    if (!stat.isFile()) throw new BoundedReadError(file, 'not-a-file');
    if (stat.size > maxBytes) throw new BoundedReadError(file, 'too-large', stat.size);
    const buffer = Buffer.alloc(Math.min(stat.size, maxBytes) + 1);
    let length = 0;
    while (length < buffer.length) {
      const read = readSync(fd, buffer, length, buffer.length - length, length);
      if (read === 0) break;
      length += read;
    }
    if (length > maxBytes) throw new BoundedReadError(file, 'too-large', length);
    return buffer.subarray(0, length);
  } finally {
    closeSync(fd);
  }
}
