/**
 * Waits for `work`. Once `signal` aborts, gives it `graceMs` to settle, then rejects with the signal's
 * reason and calls `onAbandon`: an executor that ignores its abort signal must not hang a run.
 */
export function settleOrAbandon<T>(work: Promise<T>, signal: AbortSignal, graceMs: number, onAbandon: () => void): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    let timer: NodeJS.Timeout | undefined;
    const onAbort = () => {
      timer = setTimeout(() => {
        onAbandon();
        reject(signal.reason);
      }, graceMs);
    };
    if (signal.aborted) onAbort();
    else signal.addEventListener('abort', onAbort, { once: true });
    work.then(resolve, reject).finally(() => {
      if (timer) clearTimeout(timer);
      signal.removeEventListener('abort', onAbort);
    });
  });
}
