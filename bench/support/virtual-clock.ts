/**
 * A virtual clock for simulated task durations. `sleep(ms)` resolves when virtual time reaches
 * now + ms; time only moves when the process has nothing else to do (every microtask drained and a
 * turn of the event loop passed), and then jumps to the next wake-up. The schedulers' own code runs
 * for real; only the tasks' durations are virtual, so the makespan measures the schedule alone,
 * exactly and reproducibly, free of CPU overhead and timer lateness.
 *
 * It needs the code under test to wait on nothing but these sleeps and promises (no real timers):
 * true of the dispatcher without timeouts or retries, and of the baselines.
 */
export class VirtualClock {
  now = 0;
  private sleepers: { at: number; seq: number; wake: () => void }[] = [];
  private seq = 0;

  sleep(ms: number): Promise<void> {
    return new Promise((wake) => this.sleepers.push({ at: this.now + ms, seq: this.seq++, wake }));
  }

  /** Drives virtual time until `work` settles; returns its value and the virtual time it took. */
  async run<T>(work: () => Promise<T>): Promise<{ value: T; elapsed: number }> {
    const start = this.now;
    let settled = false;
    const promise = work().finally(() => (settled = true));
    promise.catch(() => undefined);
    let idleTurns = 0;
    while (!settled) {
      await new Promise((resolve) => setImmediate(resolve));
      if (settled) break;
      if (this.sleepers.length === 0) {
        // Nothing sleeps and the work has not settled: it waits on something this clock does not drive.
        if (++idleTurns > 1000) throw new Error('the work waits on something other than the virtual clock');
        continue;
      }
      idleTurns = 0;
      const next = this.sleepers.reduce((a, b) => (b.at < a.at || (b.at === a.at && b.seq < a.seq) ? b : a)).at;
      this.now = next;
      const due = this.sleepers.filter((s) => s.at === next).sort((a, b) => a.seq - b.seq);
      this.sleepers = this.sleepers.filter((s) => s.at !== next);
      for (const sleeper of due) sleeper.wake();
    }
    return { value: await promise, elapsed: this.now - start };
  }
}
