// Run-time variables in scenario strings: ${prefix}, ${run}, ${clientId.NAME}, and values captured
// from received packets (`capture: { packetId: pid }` → '${pid}').

export type Variables = Readonly<Record<string, string | number>>;

const WHOLE = /^\$\{([^}]+)\}$/;

export function interpolate<T>(value: T, vars: Variables): T {
  if (typeof value === 'string') {
    // A string that is exactly one numeric variable becomes the number (packet ids are numbers).
    const whole = WHOLE.exec(value);
    if (whole !== null && typeof vars[whole[1] ?? ''] === 'number') return vars[whole[1] ?? ''] as T;
    return value.replace(/\$\{([^}]+)\}/g, (all, name: string) => {
      const v = vars[name];
      return v === undefined ? all : String(v);
    }) as T;
  }
  if (Array.isArray(value)) return value.map((v: unknown) => interpolate(v, vars)) as T;
  if (value !== null && typeof value === 'object' && !Buffer.isBuffer(value)) {
    const out: Record<string, unknown> = {};
    for (const [key, v] of Object.entries(value)) out[key] = interpolate(v, vars);
    return out as T;
  }
  return value;
}
