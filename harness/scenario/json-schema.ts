// The scenario JSON Schema as one self-contained document (for editors and other tools): the
// schemas referenced by `$id` become `$defs` and every `$ref` points into them.
import { SCHEMA_DEFINITIONS, Scenario } from './schema.js';

export function buildJsonSchema(): Record<string, unknown> {
  const ids = new Set(SCHEMA_DEFINITIONS.map((d) => String(d.$id)));
  const rewrite = (value: unknown, top: boolean): unknown => {
    if (Array.isArray(value)) return value.map((v) => rewrite(v, false));
    if (value === null || typeof value !== 'object') return value;
    const out: Record<string, unknown> = {};
    for (const [key, v] of Object.entries(value)) {
      if (key === '$id' && !top) continue;
      if (key === '$ref' && typeof v === 'string' && ids.has(v)) out[key] = `#/$defs/${v}`;
      else out[key] = rewrite(v, false);
    }
    return out;
  };
  const defs: Record<string, unknown> = {};
  for (const definition of SCHEMA_DEFINITIONS) defs[String(definition.$id)] = rewrite(definition, false);
  const root = rewrite(Scenario, true) as Record<string, unknown>;
  return {
    $schema: 'http://json-schema.org/draft-07/schema#',
    ...root,
    $id: 'https://mqtt-harness.dev/scenario.schema.json',
    $defs: defs,
  };
}
