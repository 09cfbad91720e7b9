/**
 * The one polling helper of every suite (unit, integration; the UI tests' `waitUntil` is its twin in
 * plain JavaScript). Polls `probe` until it gives a value (anything but undefined or false), every
 * `everyMs`, and fails naming `what` after `timeoutMs`: a bounded wait, never a timed assertion, so a
 * condition that never holds fails its test instead of hanging it.
 */
export async function eventually<T>(
  what: string,
  probe: () => T | undefined | false | Promise<T | undefined | false>,
  timeoutMs = 20_000,
  everyMs = 5,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() >= deadline) throw new Error(`gave up after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
}
