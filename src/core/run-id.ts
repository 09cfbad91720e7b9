import { randomBytes } from 'node:crypto';

/** A run id that sorts by start time and is safe as a folder name: 20261124-235901-a3f2. */
export function newRunId(now: Date = new Date()): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  const date = `${now.getFullYear()}${pad(now.getMonth() + 1)}${pad(now.getDate())}`;
  const time = `${pad(now.getHours())}${pad(now.getMinutes())}${pad(now.getSeconds())}`;
  return `${date}-${time}-${randomBytes(2).toString('hex')}`;
}
