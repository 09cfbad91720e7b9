/** How often, at most, views hear of changes: 10 times a second keeps a 500-task run smooth. */
export const CHANGE_INTERVAL_MS = 100;

/**
 * Turns a burst of changes into at most one call of `flush` per interval: a run of thousands of tasks
 * changes its picture thousands of times a second, and a view redrawn each time would stall the editor.
 */
export class ChangeCoalescer {
  private timer?: NodeJS.Timeout;
  private lastFlushAt = 0;

  constructor(
    private readonly flush: () => void,
    private readonly intervalMs = CHANGE_INTERVAL_MS,
  ) {}

  /** A change happened: flush soon (at once if the last flush was long enough ago). */
  schedule(): void {
    if (this.timer) return;
    const wait = Math.max(0, this.lastFlushAt + this.intervalMs - Date.now());
    this.timer = setTimeout(() => this.now(), wait);
  }

  /** Flush now, e.g. when a run starts or ends, which views must show at once. */
  now(): void {
    this.dispose();
    this.lastFlushAt = Date.now();
    this.flush();
  }

  dispose(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }
}
