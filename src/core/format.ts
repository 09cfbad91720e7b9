/**
 * How numbers are shown to people, the same in the CLI, the extension, the progress page and the
 * report. No Node, DOM or vscode dependency: the webview bundle imports this file too.
 */

/** `850 ms`, `12.3 s`, `4 m 05 s`, `1 h 02 m`; `–` for what cannot be a duration. */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return '–';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(ms < 10_000 ? 1 : 0)} s`;
  const totalSeconds = Math.floor(ms / 1000);
  const hours = Math.floor(totalSeconds / 3600);
  const minutes = Math.floor((totalSeconds % 3600) / 60);
  const seconds = totalSeconds % 60;
  if (hours > 0) return `${hours} h ${String(minutes).padStart(2, '0')} m`;
  return `${minutes} m ${String(seconds).padStart(2, '0')} s`;
}

/** Dollars with enough digits to see small model costs: $0.0042, $1.27. */
export function formatUsd(usd: number): string {
  return usd >= 1 ? `$${usd.toFixed(2)}` : `$${usd.toPrecision(2)}`;
}

/** `1,234`: counts with thousands separators, the same whatever the machine's locale. */
export function formatNumber(value: number): string {
  return value.toLocaleString('en-US');
}

const KiB = 1024;
const MiB = 1024 * 1024;

/**
 * Sizes in binary units: a limit exactly as set (`1 MiB`, `512 KiB`), a measured size to a tenth
 * (`3.4 MiB`) or in whole KiB, rounded up so that "over the limit" never reads as the limit itself.
 */
export function formatBytes(bytes: number): string {
  if (bytes >= MiB && bytes % MiB === 0) return `${bytes / MiB} MiB`;
  if (bytes >= KiB && bytes % KiB === 0 && bytes < MiB) return `${bytes / KiB} KiB`;
  if (bytes >= MiB) return `${(bytes / MiB).toFixed(1)} MiB`;
  if (bytes >= KiB) return `${Math.ceil(bytes / KiB)} KiB`;
  return `${bytes} bytes`;
}
