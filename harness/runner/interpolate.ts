// Run-time variables in scenario strings: ${prefix}, ${run}, ${clientId.NAME}.

export type Variables = Readonly<Record<string, string>>;

export function interpolate<T>(value: T, vars: Variables): T {
  if (typeof value === 'string') {
    return value.replace(/\$\{([^}]+)\}/g, (all, name: string) => vars[name] ?? all) as T;
  }
  if (Array.isArray(value)) return value.map((v: unknown) => interpolate(v, vars)) as T;
  if (value !== null && typeof value === 'object' && !Buffer.isBuffer(value)) {
    const out: Record<string, unknown> = {};
    for (const [key, v] of Object.entries(value)) out[key] = interpolate(v, vars);
    return out as T;
  }
  return value;
}
