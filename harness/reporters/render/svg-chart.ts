// A small line-chart module that renders inline SVG on the server: the HTML report needs no
// JavaScript and no chart library to show its charts. Points carry <title> tooltips.

export interface ChartSeries {
  name: string;
  points: readonly (readonly [number, number])[];
  /** Default: the palette colour of the series' position. */
  color?: string;
  /** SVG stroke-dasharray, e.g. '5 3'. */
  dash?: string;
  /** false: markers only, no line (single points per series). Default true. */
  line?: boolean;
}

/** A horizontal reference line (an SLO, the offered rate), dashed, labelled at its right end. */
export interface ReferenceLine {
  y: number;
  label: string;
  color?: string;
}

export interface Axis {
  label: string;
  min?: number;
  max?: number;
  /** Fixed ticks (value → label); otherwise "nice" ticks are computed. */
  ticks?: readonly { value: number; label: string }[];
  format?: (value: number) => string;
}

export interface LineChartOptions {
  /** Full title (tooltip and aria-label). */
  title: string;
  /** Shorter text shown above the chart (default: the title); the section heading gives the rest. */
  heading?: string;
  series: readonly ChartSeries[];
  x: Axis;
  y: Axis;
  width?: number;
  height?: number;
  /** Draw a dot with a tooltip on each point (off for dense curves). */
  markers?: boolean;
  referenceLines?: readonly ReferenceLine[];
  /** Legend entries when not one per series (e.g. one per target for paired p50/p99 series). */
  legend?: readonly { name: string; color: string; dash?: string }[];
}

export const PALETTE = [
  '#1f77b4',
  '#d62728',
  '#2ca02c',
  '#ff7f0e',
  '#9467bd',
  '#8c564b',
  '#e377c2',
  '#17becf',
];

const MARGIN = { left: 64, right: 30, top: 44, bottom: 44 };

/** Where the plot sits in the SVG and how data values map onto it. */
interface Frame {
  width: number;
  height: number;
  top: number;
  plotW: number;
  plotH: number;
  yMin: number;
  yMax: number;
  xTicks: readonly { value: number; label: string }[];
  yTicks: readonly { value: number; label: string }[];
  sx: (x: number) => number;
  sy: (y: number) => number;
}

export function lineChart(options: LineChartOptions): string {
  const width = options.width ?? 560;
  const legend = legendLayout(options, width);
  const frame = chartFrame(options, width, (legend.rows - 1) * 14);
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 ${width} ${frame.height}" width="${width}" height="${frame.height}" role="img" aria-label="${esc(options.title)}">`,
    `<title>${esc(options.title)}</title>`,
    `<text x="${MARGIN.left}" y="12" class="chart-title" dominant-baseline="middle">${esc(options.heading ?? options.title)}</text>`,
    ...axesSvg(options, frame),
    ...referenceLinesSvg(options.referenceLines ?? [], frame),
    ...options.series.flatMap((series, i) => seriesSvg(series, i, options, frame)),
    ...legendSvg(legend.entries),
    '</svg>',
  ].join('');
}

function chartFrame(options: LineChartOptions, width: number, extraTop: number): Frame {
  const height = (options.height ?? 300) + extraTop;
  const top = MARGIN.top + extraTop;
  const plotW = width - MARGIN.left - MARGIN.right;
  const plotH = height - top - MARGIN.bottom;
  const all = options.series.flatMap((s) => s.points);
  const xs = all.map((p) => p[0]);
  const ys = all.map((p) => p[1]);
  const xMin = options.x.min ?? (xs.length ? Math.min(...xs) : 0);
  const xMax = options.x.max ?? (xs.length ? Math.max(...xs) : 1);
  const refs = options.referenceLines ?? [];
  const yTicks =
    options.y.ticks ??
    niceTicks(
      options.y.min ?? 0,
      options.y.max ?? (ys.length || refs.length ? Math.max(...ys, ...refs.map((r) => r.y)) : 1),
    );
  const yMin = options.y.min ?? 0;
  const yMax = options.y.max ?? Math.max(yTicks[yTicks.length - 1]?.value ?? 1, 1e-9);
  const xTicks = options.x.ticks ?? niceTicks(xMin, xMax);
  const sx = (x: number): number => MARGIN.left + (xMax === xMin ? 0 : ((x - xMin) / (xMax - xMin)) * plotW);
  const sy = (y: number): number => top + plotH - (yMax === yMin ? 0 : ((y - yMin) / (yMax - yMin)) * plotH);
  return { width, height, top, plotW, plotH, yMin, yMax, xTicks, yTicks, sx, sy };
}

/** Grid lines with their tick labels, the plot frame and the two axis labels. */
function axesSvg(options: LineChartOptions, f: Frame): string[] {
  const parts: string[] = [];
  for (const t of f.yTicks) {
    const y = f.sy(t.value).toFixed(1);
    parts.push(`<line x1="${MARGIN.left}" x2="${f.width - MARGIN.right}" y1="${y}" y2="${y}" class="grid"/>`);
    parts.push(
      `<text x="${MARGIN.left - 6}" y="${y}" class="tick" text-anchor="end" dominant-baseline="middle">${esc(t.label)}</text>`,
    );
  }
  for (const t of f.xTicks) {
    const x = f.sx(t.value).toFixed(1);
    parts.push(`<line x1="${x}" x2="${x}" y1="${f.top}" y2="${f.top + f.plotH}" class="grid"/>`);
    parts.push(
      `<text x="${x}" y="${f.top + f.plotH + 14}" class="tick" text-anchor="middle">${esc(t.label)}</text>`,
    );
  }
  parts.push(`<rect x="${MARGIN.left}" y="${f.top}" width="${f.plotW}" height="${f.plotH}" class="frame"/>`);
  parts.push(
    `<text x="${MARGIN.left + f.plotW / 2}" y="${f.height - 6}" class="axis-label" text-anchor="middle">${esc(options.x.label)}</text>`,
  );
  parts.push(
    `<text transform="translate(12 ${f.top + f.plotH / 2}) rotate(-90)" class="axis-label" text-anchor="middle">${esc(options.y.label)}</text>`,
  );
  return parts;
}

function referenceLinesSvg(refs: readonly ReferenceLine[], f: Frame): string[] {
  const parts: string[] = [];
  for (const ref of refs) {
    if (ref.y < f.yMin || ref.y > f.yMax) continue;
    const y = f.sy(ref.y).toFixed(1);
    const color = ref.color ?? '#57606a';
    parts.push(
      `<g class="reference"><line x1="${MARGIN.left}" x2="${f.width - MARGIN.right}" y1="${y}" y2="${y}" stroke="${color}" stroke-width="1.5" stroke-dasharray="6 4"><title>${esc(ref.label)}</title></line>` +
        `<text x="${f.width - MARGIN.right - 4}" y="${Number(y) - 4}" class="legend" text-anchor="end">${esc(ref.label)}</text></g>`,
    );
  }
  return parts;
}

/** One series: its path and, for sparse series or when asked, a dot with a tooltip per point. */
function seriesSvg(series: ChartSeries, index: number, options: LineChartOptions, f: Frame): string[] {
  const color = series.color ?? PALETTE[index % PALETTE.length] ?? '#333';
  if (series.points.length === 0) return [];
  const fx = options.x.format ?? String;
  const fy = options.y.format ?? String;
  const d = series.points
    .map((p, j) => `${j === 0 ? 'M' : 'L'}${f.sx(p[0]).toFixed(1)} ${f.sy(p[1]).toFixed(1)}`)
    .join(' ');
  const parts: string[] = [];
  parts.push(`<g class="series" data-series="${esc(series.name)}">`);
  if (series.line !== false)
    parts.push(
      `<path d="${d}" fill="none" stroke="${color}" stroke-width="2"${series.dash ? ` stroke-dasharray="${series.dash}"` : ''}><title>${esc(series.name)}</title></path>`,
    );
  if (series.line === false || (options.markers ?? series.points.length <= 60)) {
    const r = series.line === false ? 4 : 2.5;
    for (const p of series.points) {
      parts.push(
        `<circle cx="${f.sx(p[0]).toFixed(1)}" cy="${f.sy(p[1]).toFixed(1)}" r="${r}" fill="${series.dash ? '#fff' : color}" stroke="${color}" stroke-width="1.5"><title>${esc(`${series.name}: ${fx(p[0])} → ${fy(p[1])}`)}</title></circle>`,
      );
    }
  }
  parts.push('</g>');
  return parts;
}

function legendSvg(entries: readonly LegendEntry[]): string[] {
  const parts: string[] = [];
  for (const entry of entries) {
    parts.push(
      `<line x1="${entry.x}" x2="${entry.x + 14}" y1="${entry.y}" y2="${entry.y}" stroke="${entry.color}" stroke-width="3"${entry.dash ? ` stroke-dasharray="${entry.dash === '5 3' ? '3 2' : entry.dash}"` : ''}/>`,
    );
    parts.push(
      `<text x="${entry.x + 18}" y="${entry.y}" class="legend" dominant-baseline="middle">${esc(entry.name)}</text>`,
    );
  }
  return parts;
}

interface LegendEntry {
  name: string;
  color: string;
  dash?: string;
  x: number;
  y: number;
}

/** Legend entries placed in rows under the title, wrapping at the chart's width. */
function legendLayout(options: LineChartOptions, width: number): { rows: number; entries: LegendEntry[] } {
  const items =
    options.legend ??
    options.series.map((s, i) => ({
      name: s.name,
      color: s.color ?? PALETTE[i % PALETTE.length] ?? '#333',
      ...(s.dash === undefined ? {} : { dash: s.dash }),
    }));
  const entries: LegendEntry[] = [];
  let x = MARGIN.left;
  let row = 0;
  for (const item of items) {
    const w = 30 + item.name.length * 6.5;
    if (x + w > width - 4 && x > MARGIN.left) {
      row += 1;
      x = MARGIN.left;
    }
    entries.push({ ...item, x, y: 28 + row * 14 });
    x += w;
  }
  return { rows: row + 1, entries };
}

/** 4–6 round tick values from min to at least max. */
export function niceTicks(
  min: number,
  max: number,
  format: (v: number) => string = String,
): { value: number; label: string }[] {
  if (!(max > min)) max = min + 1;
  const rawStep = (max - min) / 5;
  const magnitude = Math.pow(10, Math.floor(Math.log10(rawStep)));
  const step =
    [1, 2, 2.5, 5, 10].map((m) => m * magnitude).find((s) => (max - min) / s <= 6) ?? 10 * magnitude;
  const ticks: { value: number; label: string }[] = [];
  const start = Math.floor(min / step) * step;
  for (let v = start; v < max + step - 1e-9; v += step)
    ticks.push({ value: round(v), label: format(round(v)) });
  return ticks;
}

function round(v: number): number {
  return Number(v.toPrecision(12));
}

function esc(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}
