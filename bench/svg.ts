/**
 * Hand-written SVG charts for bench/results.md: a line chart (optionally log-log) and a grouped bar
 * chart. Plain strings, no dependencies; values that are not finite are left out (a missing point or
 * bar), so a skipped measurement never draws as zero.
 */

export interface Series {
  name: string;
  /** One value per x (line chart) or per group (bar chart); NaN = not measured. */
  values: readonly number[];
}

export interface LineChartOptions {
  title: string;
  xLabel: string;
  yLabel: string;
  x: readonly number[];
  series: readonly Series[];
  logX?: boolean;
  logY?: boolean;
  formatX?: (v: number) => string;
  formatY?: (v: number) => string;
}

export interface BarChartOptions {
  title: string;
  yLabel: string;
  groups: readonly string[];
  series: readonly Series[];
  formatY?: (v: number) => string;
  /** Draws a dashed horizontal line, e.g. the ideal ratio 1.0. */
  reference?: { value: number; label: string };
}

const WIDTH = 720;
const HEIGHT = 400;
const MARGIN = { top: 48, right: 180, bottom: 56, left: 72 };
const COLOURS = ['#1f77b4', '#d62728', '#2ca02c', '#ff7f0e', '#9467bd', '#8c564b'];

export function escapeXml(text: string): string {
  return text.replace(/[<>&'"]/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', "'": '&apos;', '"': '&quot;' })[c]!);
}

function svgDocument(title: string, body: string[]): string {
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${HEIGHT}" viewBox="0 0 ${WIDTH} ${HEIGHT}" font-family="sans-serif" font-size="12">`,
    `<title>${escapeXml(title)}</title>`,
    `<rect width="${WIDTH}" height="${HEIGHT}" fill="#ffffff"/>`,
    `<text x="${WIDTH / 2 - MARGIN.right / 2}" y="24" text-anchor="middle" font-size="15" font-weight="bold">${escapeXml(title)}</text>`,
    ...body,
    '</svg>',
    '',
  ].join('\n');
}

/** Maps [min, max] (after log10 if `log`) onto [from, to]. */
function scale(min: number, max: number, from: number, to: number, log: boolean): (v: number) => number {
  const f = (v: number) => (log ? Math.log10(v) : v);
  const lo = f(min);
  const hi = f(max);
  const span = hi - lo || 1;
  return (v) => from + ((f(v) - lo) / span) * (to - from);
}

/** Round-number ticks covering [min, max]: powers of ten on a log axis, 1-2-5 steps otherwise. */
export function ticks(min: number, max: number, log: boolean): number[] {
  if (log) {
    const result: number[] = [];
    for (let e = Math.floor(Math.log10(min)); e <= Math.ceil(Math.log10(max)); e++) result.push(10 ** e);
    return result;
  }
  const raw = (max - min) / 5 || 1;
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * magnitude).find((s) => s >= raw)!;
  const result: number[] = [];
  // Up to the first tick at or above max, so the axis covers every value.
  for (let v = Math.floor(min / step) * step; ; v += step) {
    result.push(Number(v.toPrecision(12)));
    if (v >= max - step * 1e-9) break;
  }
  return result;
}

function legend(series: readonly Series[]): string[] {
  return series.flatMap((s, i) => {
    const y = MARGIN.top + 8 + i * 20;
    const x = WIDTH - MARGIN.right + 16;
    return [
      `<rect x="${x}" y="${y - 9}" width="14" height="10" fill="${COLOURS[i % COLOURS.length]}"/>`,
      `<text x="${x + 20}" y="${y}">${escapeXml(s.name)}</text>`,
    ];
  });
}

function axes(xLabel: string, yLabel: string): string[] {
  const bottom = HEIGHT - MARGIN.bottom;
  return [
    `<line x1="${MARGIN.left}" y1="${bottom}" x2="${WIDTH - MARGIN.right}" y2="${bottom}" stroke="#333"/>`,
    `<line x1="${MARGIN.left}" y1="${MARGIN.top}" x2="${MARGIN.left}" y2="${bottom}" stroke="#333"/>`,
    `<text x="${(MARGIN.left + WIDTH - MARGIN.right) / 2}" y="${HEIGHT - 14}" text-anchor="middle">${escapeXml(xLabel)}</text>`,
    `<text transform="translate(18 ${(MARGIN.top + bottom) / 2}) rotate(-90)" text-anchor="middle">${escapeXml(yLabel)}</text>`,
  ];
}

function finite(values: Iterable<number>): number[] {
  return [...values].filter((v) => Number.isFinite(v));
}

const defaultFormat = (v: number) => (Math.abs(v) >= 1000 ? v.toLocaleString('en-US') : String(Number(v.toPrecision(3))));

export function lineChart(options: LineChartOptions): string {
  const formatX = options.formatX ?? defaultFormat;
  const formatY = options.formatY ?? defaultFormat;
  const ys = finite(options.series.flatMap((s) => s.values)).filter((v) => !options.logY || v > 0);
  const bottom = HEIGHT - MARGIN.bottom;
  const right = WIDTH - MARGIN.right;
  const xMin = Math.min(...options.x);
  const xMax = Math.max(...options.x);
  const yTicks = ys.length > 0 ? ticks(options.logY ? Math.min(...ys) : 0, Math.max(...ys), options.logY ?? false) : [0, 1];
  const yMin = yTicks[0]!;
  const yMax = yTicks[yTicks.length - 1]!;
  const sx = scale(xMin, xMax, MARGIN.left + 20, right - 20, options.logX ?? false);
  const sy = scale(yMin, yMax, bottom, MARGIN.top, options.logY ?? false);
  const body: string[] = [];
  for (const t of yTicks) {
    const y = sy(t).toFixed(1);
    body.push(`<line x1="${MARGIN.left}" y1="${y}" x2="${right}" y2="${y}" stroke="#e5e5e5"/>`);
    body.push(`<text x="${MARGIN.left - 6}" y="${y}" text-anchor="end" dominant-baseline="middle">${escapeXml(formatY(t))}</text>`);
  }
  for (const x of options.x) {
    body.push(`<text x="${sx(x).toFixed(1)}" y="${bottom + 18}" text-anchor="middle">${escapeXml(formatX(x))}</text>`);
  }
  body.push(...axes(options.xLabel, options.yLabel));
  options.series.forEach((s, i) => {
    const colour = COLOURS[i % COLOURS.length];
    const points = options.x
      .map((x, j) => [x, s.values[j] ?? NaN] as const)
      .filter(([, y]) => Number.isFinite(y) && (!options.logY || y > 0))
      .map(([x, y]) => [sx(x).toFixed(1), sy(y).toFixed(1)] as const);
    if (points.length > 1) body.push(`<polyline fill="none" stroke="${colour}" stroke-width="2" points="${points.map((p) => p.join(',')).join(' ')}"/>`);
    for (const [x, y] of points) body.push(`<circle cx="${x}" cy="${y}" r="4" fill="${colour}"/>`);
  });
  body.push(...legend(options.series));
  return svgDocument(options.title, body);
}

export function barChart(options: BarChartOptions): string {
  const formatY = options.formatY ?? defaultFormat;
  const values = finite(options.series.flatMap((s) => s.values));
  const top = Math.max(...values, options.reference?.value ?? 0, 0);
  const yTicks = ticks(0, top > 0 ? top : 1, false);
  const yMax = yTicks[yTicks.length - 1]!;
  const bottom = HEIGHT - MARGIN.bottom;
  const right = WIDTH - MARGIN.right;
  const sy = scale(0, yMax, bottom, MARGIN.top, false);
  const groupWidth = (right - MARGIN.left) / Math.max(1, options.groups.length);
  const barWidth = (groupWidth * 0.8) / Math.max(1, options.series.length);
  const body: string[] = [];
  for (const t of yTicks) {
    const y = sy(t).toFixed(1);
    body.push(`<line x1="${MARGIN.left}" y1="${y}" x2="${right}" y2="${y}" stroke="#e5e5e5"/>`);
    body.push(`<text x="${MARGIN.left - 6}" y="${y}" text-anchor="end" dominant-baseline="middle">${escapeXml(formatY(t))}</text>`);
  }
  options.groups.forEach((group, g) => {
    const x0 = MARGIN.left + g * groupWidth + groupWidth * 0.1;
    body.push(`<text x="${(x0 + groupWidth * 0.4).toFixed(1)}" y="${bottom + 18}" text-anchor="middle">${escapeXml(group)}</text>`);
    options.series.forEach((s, i) => {
      const value = s.values[g] ?? NaN;
      if (!Number.isFinite(value)) return;
      const x = x0 + i * barWidth;
      const y = sy(value);
      body.push(
        `<rect x="${x.toFixed(1)}" y="${y.toFixed(1)}" width="${(barWidth - 2).toFixed(1)}" height="${(bottom - y).toFixed(1)}" fill="${COLOURS[i % COLOURS.length]}"><title>${escapeXml(`${s.name}, ${group}: ${formatY(value)}`)}</title></rect>`,
      );
    });
  });
  if (options.reference) {
    const y = sy(options.reference.value).toFixed(1);
    body.push(`<line x1="${MARGIN.left}" y1="${y}" x2="${right}" y2="${y}" stroke="#555" stroke-dasharray="6 4"/>`);
    body.push(`<text x="${right + 6}" y="${y}" dominant-baseline="middle" fill="#555">${escapeXml(options.reference.label)}</text>`);
  }
  body.push(...axes('', options.yLabel));
  body.push(...legend(options.series));
  return svgDocument(options.title, body);
}
