import * as os from 'node:os';

/** Median and spread of repeated measurements. */
export interface Summary {
  median: number;
  min: number;
  max: number;
  runs: number;
}

export function summarize(values: readonly number[]): Summary {
  if (values.length === 0) return { median: NaN, min: NaN, max: NaN, runs: 0 };
  const sorted = [...values].sort((a, b) => a - b);
  return { median: percentile(sorted, 50), min: sorted[0]!, max: sorted[sorted.length - 1]!, runs: sorted.length };
}

/** Linear-interpolated percentile of values sorted ascending. */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const rank = (p / 100) * (sorted.length - 1);
  const low = Math.floor(rank);
  const high = Math.ceil(rank);
  return sorted[low]! + (sorted[high]! - sorted[low]!) * (rank - low);
}

/** Collects garbage between runs when node runs with --expose-gc, so one run's garbage is not billed to the next. */
export function collectGarbage(): void {
  (globalThis as { gc?: () => void }).gc?.();
}

/** Samples resident memory every few ms while `fn` runs; returns the peak seen. */
export async function withPeakRss<T>(fn: () => Promise<T>, everyMs = 10): Promise<{ value: T; peakRssBytes: number; startRssBytes: number }> {
  const startRssBytes = process.memoryUsage.rss();
  let peakRssBytes = startRssBytes;
  const timer = setInterval(() => (peakRssBytes = Math.max(peakRssBytes, process.memoryUsage.rss())), everyMs);
  try {
    const value = await fn();
    peakRssBytes = Math.max(peakRssBytes, process.memoryUsage.rss());
    return { value, peakRssBytes, startRssBytes };
  } finally {
    clearInterval(timer);
  }
}

export function machine(): { cpu: string; cores: number; memoryGiB: number; os: string; node: string; date: string } {
  const cpus = os.cpus();
  return {
    cpu: cpus[0]?.model.trim() ?? 'unknown',
    cores: cpus.length,
    memoryGiB: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
    os: `${os.type()} ${os.release()} (${os.arch()})`,
    node: process.version,
    date: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
  };
}

// ------------------------------------------------------------------ formatting for results.md

export function ms(value: number, digits?: number): string {
  if (!Number.isFinite(value)) return 'n/a';
  const d = digits ?? (value >= 100 ? 0 : value >= 10 ? 1 : 2);
  return `${value.toFixed(d)} ms`;
}

export function us(value: number): string {
  if (!Number.isFinite(value)) return 'n/a';
  return `${value >= 100 ? value.toFixed(0) : value >= 10 ? value.toFixed(1) : value.toFixed(2)} µs`;
}

export function fixed(value: number, digits = 2): string {
  return Number.isFinite(value) ? value.toFixed(digits) : 'n/a';
}

export function bytes(value: number): string {
  if (!Number.isFinite(value)) return 'n/a';
  if (value >= 2 ** 20) return `${(value / 2 ** 20).toFixed(1)} MiB`;
  if (value >= 1024) return `${(value / 1024).toFixed(1)} KiB`;
  return `${value} B`;
}

/** "12.3 ms (11.9–13.0)": a median with its range, for one cell of a table. */
export function spread(summary: Summary, format: (v: number) => string): string {
  if (summary.runs === 0) return 'n/a';
  if (summary.runs === 1) return format(summary.median);
  return `${format(summary.median)} (${format(summary.min).replace(/ .*$/, '')}–${format(summary.max)})`;
}

export function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const line = (cells: readonly string[]) => `| ${cells.join(' | ')} |`;
  return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n');
}
