// Small formatting helpers shared by every renderer: units, escaping, hex, padding. Pure functions.

/** A latency in microseconds, as a short human string: 850µs, 12.3ms, 1.24s. */
export function formatMicros(us: number): string {
  if (!Number.isFinite(us)) return '–';
  if (us < 1000) return `${Math.round(us)}µs`;
  if (us < 1_000_000) return `${trimNumber(us / 1000, us < 10_000 ? 2 : 1)}ms`;
  return `${trimNumber(us / 1_000_000, 2)}s`;
}

/** A duration in milliseconds: 12ms, 1.5s, 2m03s. */
export function formatMillis(ms: number): string {
  if (!Number.isFinite(ms)) return '–';
  if (ms < 1000) return `${Math.round(ms)}ms`;
  if (ms < 60_000) return `${trimNumber(ms / 1000, 1)}s`;
  const minutes = Math.floor(ms / 60_000);
  const seconds = Math.round((ms % 60_000) / 1000);
  return `${minutes}m${String(seconds).padStart(2, '0')}s`;
}

/** A rate per second, with thousands grouped: 12,345/s. */
export function formatRate(perSec: number): string {
  return `${formatCount(Math.round(perSec))}/s`;
}

export function formatCount(n: number): string {
  if (!Number.isFinite(n)) return '–';
  const sign = n < 0 ? '-' : '';
  const digits = String(Math.abs(Math.round(n)));
  return sign + digits.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

export function formatPercent(fraction: number, digits = 1): string {
  if (!Number.isFinite(fraction)) return '–';
  const value = fraction * 100;
  return `${value > 0 ? '+' : ''}${trimNumber(value, digits)}%`;
}

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${trimNumber(bytes / 1024, 1)} KiB`;
  return `${trimNumber(bytes / (1024 * 1024), 1)} MiB`;
}

function trimNumber(value: number, digits: number): string {
  return value.toFixed(digits).replace(/\.?0+$/, '');
}

/** Hex bytes grouped by one space, cut after `maxBytes` with the total length noted. */
export function formatHex(hex: string, maxBytes = 128): string {
  const clean = hex.replace(/[^0-9a-fA-F]/g, '').toLowerCase();
  const bytes = clean.match(/../g) ?? [];
  const shown = bytes.slice(0, maxBytes).join(' ');
  return bytes.length > maxBytes ? `${shown} … (${bytes.length} bytes)` : shown;
}

/** A compact, stable one-line JSON of a decoded packet or expectation (Buffers already as {hex}). */
export function formatValue(value: unknown): string {
  if (value === undefined) return 'undefined';
  try {
    return (
      JSON.stringify(value, (_key, v: unknown) => (typeof v === 'bigint' ? v.toString() : v)) ?? typeof value
    );
  } catch {
    return `(${typeof value}: not serializable)`;
  }
}

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => HTML_ENTITIES[c] ?? c);
}

const HTML_ENTITIES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/** Escape for XML text and attribute values; drops characters XML 1.0 cannot carry. */
export function escapeXml(text: string): string {
  // eslint-disable-next-line no-control-regex
  const legal = text.replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/g, '\ufffd');
  return legal.replace(/[&<>"']/g, (c) => XML_ENTITIES[c] ?? c);
}

const XML_ENTITIES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&apos;',
};

/** Escape a Markdown table cell: pipes and line breaks. */
export function escapeMarkdownCell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
}

/** Render rows as an aligned plain-text table (first row is the header). */
export function textTable(rows: string[][], indent = '  '): string {
  const widths: number[] = [];
  for (const row of rows)
    row.forEach((cell, i) => (widths[i] = Math.max(widths[i] ?? 0, displayWidth(cell))));
  const lines = rows.map((row) =>
    row
      .map((cell, i) =>
        i === row.length - 1 ? cell : cell + ' '.repeat((widths[i] ?? 0) - displayWidth(cell)),
      )
      .join('  ')
      .trimEnd(),
  );
  if (lines.length > 1) lines.splice(1, 0, widths.map((w) => '─'.repeat(w)).join('  '));
  return lines.map((line) => indent + line).join('\n');
}

function displayWidth(text: string): number {
  return [...text].length;
}
