/** Receives progress of a shared build. */
export type ProgressListener = (message: string, fraction?: number) => void;

interface Pending<T> {
  promise: Promise<T>;
  controller: AbortController;
  listeners: Set<ProgressListener>;
  /**
   * The first and the latest progress so far, replayed to a caller that joins late so that its task
   * shows where the build stands (the full history can be hundreds of messages).
   */
  history: [message: string, fraction?: number][];
  waiters: number;
  settled: boolean;
}

/**
 * Builds a value once, lazily, for many concurrent callers, each with its own AbortSignal.
 *
 * Why not a plain memoized promise: the first caller's signal would then cancel the build for
 * everyone, and a build nobody awaits any more would keep reading files. Here each caller stops
 * waiting when its own signal fires; the build itself is aborted only when the last waiter has gone,
 * and the next caller starts afresh. A failed build is not remembered either, so a retry can succeed.
 */
export class SharedBuild<T> {
  private value?: { result: T };
  private pending?: Pending<T>;

  constructor(private readonly build: (signal: AbortSignal, progress: ProgressListener) => Promise<T>) {}

  async get(signal: AbortSignal, progress: ProgressListener): Promise<T> {
    if (this.value) return this.value.result;
    signal.throwIfAborted();
    const pending = this.pending ?? this.start();
    pending.waiters++;
    for (const [message, fraction] of pending.history) progress(message, fraction);
    pending.listeners.add(progress);
    try {
      return await untilAborted(pending.promise, signal);
    } finally {
      pending.waiters--;
      pending.listeners.delete(progress);
      if (pending.waiters === 0 && !pending.settled) {
        pending.controller.abort(new Error('no task waits for the workspace index any more'));
        if (this.pending === pending) this.pending = undefined;
      }
    }
  }

  /** Aborts a build in progress and forgets the value. */
  reset(): void {
    this.pending?.controller.abort(new Error('the workspace index was disposed'));
    this.pending = undefined;
    this.value = undefined;
  }

  private start(): Pending<T> {
    const controller = new AbortController();
    const listeners = new Set<ProgressListener>();
    const history: [string, number?][] = [];
    const broadcast: ProgressListener = (message, fraction) => {
      if (history.length === 2) history.pop();
      history.push([message, fraction]);
      for (const listener of listeners) listener(message, fraction);
    };
    const pending: Pending<T> = { promise: undefined as never, controller, listeners, history, waiters: 0, settled: false };
    const settle = () => {
      pending.settled = true;
      if (this.pending === pending) this.pending = undefined;
    };
    // Started on the next microtask, once the first caller has registered for progress.
    pending.promise = Promise.resolve()
      .then(() => this.build(controller.signal, broadcast))
      .then(
        (result) => {
          if (this.pending === pending) this.value = { result };
          settle();
          return result;
        },
        (error: unknown) => {
          settle();
          throw error;
        },
      );
    // Waiters that gave up no longer observe the promise; its rejection is theirs, not unhandled.
    pending.promise.catch(() => undefined);
    this.pending = pending;
    return pending;
  }
}

/** Resolves as `promise` does, or rejects with the signal's reason as soon as it aborts. */
function untilAborted<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}
