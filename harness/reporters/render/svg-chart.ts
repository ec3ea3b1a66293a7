// A small line-chart module that renders inline SVG on the server: the HTML report needs no
// JavaScript and no chart library to show its charts. Points carry <title> tooltips.

export interface ChartSeries {
  name: string;
  points: readonly (readonly [number, number])[];
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

export function lineChart(options: LineChartOptions): string {
  const width = options.width ?? 560;
  const height = options.height ?? 300;
  const plotW = width - MARGIN.left - MARGIN.right;
  const plotH = height - MARGIN.top - MARGIN.bottom;
  const all = options.series.flatMap((s) => s.points);
  const xs = all.map((p) => p[0]);
  const ys = all.map((p) => p[1]);
  const xMin = options.x.min ?? (xs.length ? Math.min(...xs) : 0);
  const xMax = options.x.max ?? (xs.length ? Math.max(...xs) : 1);
  const yTicks =
    options.y.ticks ?? niceTicks(options.y.min ?? 0, options.y.max ?? (ys.length ? Math.max(...ys) : 1));
  const yMin = options.y.min ?? 0;
  const yMax = options.y.max ?? Math.max(yTicks[yTicks.length - 1]?.value ?? 1, 1e-9);
  const xTicks = options.x.ticks ?? niceTicks(xMin, xMax);
  const sx = (x: number): number => MARGIN.left + (xMax === xMin ? 0 : ((x - xMin) / (xMax - xMin)) * plotW);
  const sy = (y: number): number =>
    MARGIN.top + plotH - (yMax === yMin ? 0 : ((y - yMin) / (yMax - yMin)) * plotH);
  const fx = options.x.format ?? String;
  const fy = options.y.format ?? String;

  const parts: string[] = [];
  parts.push(
    `<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" role="img" aria-label="${esc(options.title)}">`,
  );
  parts.push(`<title>${esc(options.title)}</title>`);
  parts.push(
    `<text x="${MARGIN.left}" y="12" class="chart-title" dominant-baseline="middle">${esc(options.heading ?? options.title)}</text>`,
  );
  for (const t of yTicks) {
    const y = sy(t.value).toFixed(1);
    parts.push(`<line x1="${MARGIN.left}" x2="${width - MARGIN.right}" y1="${y}" y2="${y}" class="grid"/>`);
    parts.push(
      `<text x="${MARGIN.left - 6}" y="${y}" class="tick" text-anchor="end" dominant-baseline="middle">${esc(t.label)}</text>`,
    );
  }
  for (const t of xTicks) {
    const x = sx(t.value).toFixed(1);
    parts.push(`<line x1="${x}" x2="${x}" y1="${MARGIN.top}" y2="${MARGIN.top + plotH}" class="grid"/>`);
    parts.push(
      `<text x="${x}" y="${MARGIN.top + plotH + 14}" class="tick" text-anchor="middle">${esc(t.label)}</text>`,
    );
  }
  parts.push(`<rect x="${MARGIN.left}" y="${MARGIN.top}" width="${plotW}" height="${plotH}" class="frame"/>`);
  parts.push(
    `<text x="${MARGIN.left + plotW / 2}" y="${height - 6}" class="axis-label" text-anchor="middle">${esc(options.x.label)}</text>`,
  );
  parts.push(
    `<text transform="translate(12 ${MARGIN.top + plotH / 2}) rotate(-90)" class="axis-label" text-anchor="middle">${esc(options.y.label)}</text>`,
  );
  options.series.forEach((series, i) => {
    const color = PALETTE[i % PALETTE.length] ?? '#333';
    if (series.points.length === 0) return;
    const d = series.points
      .map((p, j) => `${j === 0 ? 'M' : 'L'}${sx(p[0]).toFixed(1)} ${sy(p[1]).toFixed(1)}`)
      .join(' ');
    parts.push(`<g class="series" data-series="${esc(series.name)}">`);
    parts.push(
      `<path d="${d}" fill="none" stroke="${color}" stroke-width="2"><title>${esc(series.name)}</title></path>`,
    );
    if (options.markers ?? series.points.length <= 60) {
      for (const p of series.points) {
        parts.push(
          `<circle cx="${sx(p[0]).toFixed(1)}" cy="${sy(p[1]).toFixed(1)}" r="2.5" fill="${color}"><title>${esc(`${series.name}: ${fx(p[0])} → ${fy(p[1])}`)}</title></circle>`,
        );
      }
    }
    parts.push('</g>');
  });
  // Legend: one row under the title, entries side by side.
  let legendX = MARGIN.left;
  options.series.forEach((series, i) => {
    const color = PALETTE[i % PALETTE.length] ?? '#333';
    parts.push(`<rect x="${legendX}" y="26" width="14" height="4" fill="${color}"/>`);
    parts.push(
      `<text x="${legendX + 18}" y="28" class="legend" dominant-baseline="middle">${esc(series.name)}</text>`,
    );
    legendX += 30 + series.name.length * 6.5;
  });
  parts.push('</svg>');
  return parts.join('');
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
