// Durations in load sections: a number is milliseconds; a string takes a unit (`500ms`, `10s`, `2m`, `1h`).

const UNITS: Record<string, number> = { us: 0.001, µs: 0.001, ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** Milliseconds, or undefined when the text is not a duration. */
export function parseDuration(value: number | string): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) && value >= 0 ? value : undefined;
  const match = /^\s*(\d+(?:\.\d+)?)\s*(us|µs|ms|s|m|h)?\s*$/.exec(value);
  if (!match) return undefined;
  const unit = UNITS[match[2] ?? 'ms'];
  return unit === undefined ? undefined : Number(match[1]) * unit;
}

/** Like parseDuration, for values the schema already accepted (throws on a bug). */
export function durationMs(value: number | string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const ms = parseDuration(value);
  if (ms === undefined) throw new Error(`LOAD_INVALID_DURATION: ${String(value)}`);
  return ms;
}
