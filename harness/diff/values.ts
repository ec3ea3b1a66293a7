// Values as the diff compares and shows them: strings with the run's own values (topic prefix, client
// ids) replaced by their variable names, so that two targets' packets compare equal when they differ
// only there; and short renderings for the report.
import {
  connectReturnCodeName,
  PACKET_TYPE_CODES,
  reasonCodeName,
  type PacketTypeName,
} from '../../wire/index.js';

/** Replaces each variable's value by `${name}` in every string of `value` (longest values first). */
export function normalize(value: unknown, variables: Readonly<Record<string, string>>): unknown {
  const pairs = Object.entries(variables)
    .filter(([, text]) => text.length > 0)
    .sort((a, b) => b[1].length - a[1].length);
  const visit = (item: unknown): unknown => {
    if (typeof item === 'string') {
      let text = item;
      for (const [name, text0] of pairs) text = text.split(text0).join(`\${${name}}`);
      return text;
    }
    if (Array.isArray(item)) return item.map(visit);
    if (item !== null && typeof item === 'object') {
      const out: Record<string, unknown> = {};
      for (const [key, field] of Object.entries(item)) out[key] = visit(field);
      return out;
    }
    return item;
  };
  return visit(value);
}

/** Structural equality of JSON values. */
export function sameValue(a: unknown, b: unknown): boolean {
  return canonical(a) === canonical(b);
}

function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const keys = Object.keys(value).sort();
    const fields = new Map(Object.entries(value));
    return `{${keys.map((key) => `${JSON.stringify(key)}:${canonical(fields.get(key))}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'undefined';
}

function isPacketType(type: string): type is PacketTypeName {
  return Object.hasOwn(PACKET_TYPE_CODES, type);
}

/** A reason code as `0x10 (No matching subscribers)`. */
export function renderReasonCode(code: unknown, packetType: string): string {
  if (typeof code !== 'number') return render(code);
  // A CONNACK code from 1 to 5 is a 3.1.1 return code (a 5.0 CONNACK never uses them).
  const name =
    packetType === 'connack' && code >= 1 && code <= 5
      ? connectReturnCodeName(code)
      : reasonCodeName(code, isPacketType(packetType) ? packetType : undefined);
  return `0x${code.toString(16).padStart(2, '0')} (${name})`;
}

/** A short rendering of a value: `absent`, numbers, quoted text, bytes as text or hex. */
export function render(value: unknown): string {
  if (value === undefined) return 'absent';
  if (typeof value === 'string') return clip(JSON.stringify(value));
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    const fields = new Map<string, unknown>(Object.entries(value));
    const utf8 = fields.get('utf8');
    const hex = fields.get('hex');
    const size = fields.get('size');
    if (typeof utf8 === 'string') return clip(JSON.stringify(utf8));
    if (typeof hex === 'string') return clip(`<${hex.length / 2} bytes ${hex}>`);
    if (typeof size === 'number') return `<${size} bytes>`;
  }
  return clip(JSON.stringify(value) ?? 'undefined');
}

function clip(text: string): string {
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}
