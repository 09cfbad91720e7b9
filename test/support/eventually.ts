/**
 * Polls `probe` until it gives a value (anything but undefined or false), at most `tries` times,
 * `everyMs` apart — a bounded loop, so a condition that never holds fails its test instead of hanging it.
 */
export async function eventually<T>(what: string, probe: () => T | undefined | false | Promise<T | undefined | false>, tries = 400, everyMs = 25): Promise<T> {
  for (let i = 0; i < tries; i++) {
    const value = await probe();
    if (value !== undefined && value !== false) return value;
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
  throw new Error(`gave up waiting for ${what}`);
}
