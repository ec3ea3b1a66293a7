// Partial matching of received packets against scenario patterns. A pattern names only the fields it
// cares about; `{ anyOf: [...] }` accepts several values, `{ noneOf: [...] }` any present value but
// those, `{ absent: true }` asserts absence and `{ present: true }` presence with any value.
import type { Packet } from '../../../wire/index.js';
import { isBytesSpec, toBytes } from './bytes.js';

const BYTE_FIELDS = new Set(['payload', 'password', 'correlationData', 'authenticationData']);
/** Packet types whose absent reason code means 0x00 (success / normal). */
const DEFAULT_ZERO_REASON = new Set(['puback', 'pubrec', 'pubrel', 'pubcomp', 'disconnect', 'auth']);

/** undefined when `packet` matches `pattern`, else a one-line reason (first mismatch). */
export function matchPacket(pattern: Readonly<Record<string, unknown>>, packet: Packet): string | undefined {
  const actual = packet as unknown as Record<string, unknown>;
  for (const [key, expected] of Object.entries(pattern)) {
    let value = actual[key];
    if (key === 'reasonCode' && value === undefined && DEFAULT_ZERO_REASON.has(packet.type)) value = 0;
    if (key === 'properties' && value === undefined && !isAbsent(expected)) value = {};
    const mismatch = matchValue(expected, value, key);
    if (mismatch !== undefined) return mismatch;
  }
  return undefined;
}

function isAbsent(pattern: unknown): boolean {
  return pattern !== null && typeof pattern === 'object' && (pattern as { absent?: unknown }).absent === true;
}

function matchValue(expected: unknown, actual: unknown, path: string): string | undefined {
  const field = path.slice(path.lastIndexOf('.') + 1).replace(/\[\d+\]$/, '');
  if (expected !== null && typeof expected === 'object' && !Array.isArray(expected)) {
    const keys = Object.keys(expected);
    if (keys.length === 1 && keys[0] === 'absent') {
      return actual === undefined ? undefined : `${path}: expected absent, got ${show(actual)}`;
    }
    if (keys.length === 1 && keys[0] === 'present') {
      return actual !== undefined ? undefined : `${path}: expected present, got nothing`;
    }
    if (keys.length === 1 && keys[0] === 'anyOf') {
      const options = (expected as { anyOf: unknown[] }).anyOf;
      if (options.some((option) => matchValue(option, actual, path) === undefined)) return undefined;
      return `${path}: expected any of ${options.map(show).join(', ')}, got ${show(actual)}`;
    }
    if (keys.length === 1 && keys[0] === 'noneOf') {
      const options = (expected as { noneOf: unknown[] }).noneOf;
      if (actual === undefined)
        return `${path}: expected a value other than ${options.map(show).join(', ')}, got nothing`;
      const equal = options.find((option) => matchValue(option, actual, path) === undefined);
      return equal === undefined
        ? undefined
        : `${path}: expected a value other than ${show(equal)}, got ${show(actual)}`;
    }
  }
  if (BYTE_FIELDS.has(field) || Buffer.isBuffer(actual)) {
    if (!isBytesSpec(expected)) return `${path}: bad pattern ${show(expected)}`;
    if (!Buffer.isBuffer(actual)) return `${path}: expected bytes ${show(expected)}, got ${show(actual)}`;
    const want = toBytes(expected);
    return want.equals(actual) ? undefined : `${path}: expected ${show(expected)}, got ${show(actual)}`;
  }
  if (Array.isArray(expected)) {
    const list = Array.isArray(actual) ? (actual as unknown[]) : actual === undefined ? undefined : [actual];
    if (!list) return `${path}: expected ${show(expected)}, got nothing`;
    if (list.length !== expected.length) return `${path}: expected ${show(expected)}, got ${show(actual)}`;
    for (let i = 0; i < expected.length; i += 1) {
      const mismatch = matchValue(expected[i], list[i], `${path}[${i}]`);
      if (mismatch !== undefined) return mismatch;
    }
    return undefined;
  }
  if (expected !== null && typeof expected === 'object') {
    if (actual === null || typeof actual !== 'object')
      return `${path}: expected ${show(expected)}, got ${show(actual)}`;
    for (const [key, value] of Object.entries(expected)) {
      const mismatch = matchValue(value, (actual as Record<string, unknown>)[key], `${path}.${key}`);
      if (mismatch !== undefined) return mismatch;
    }
    return undefined;
  }
  if (Array.isArray(actual) && actual.length === 1 && actual[0] === expected) return undefined;
  return expected === actual ? undefined : `${path}: expected ${show(expected)}, got ${show(actual)}`;
}

export function show(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (Buffer.isBuffer(value)) {
    const text = value.toString('utf8');
    return /^[\x20-\x7e]*$/.test(text) && value.length <= 64
      ? JSON.stringify(text)
      : `<${value.length} bytes ${value.subarray(0, 16).toString('hex')}${value.length > 16 ? '…' : ''}>`;
  }
  if (typeof value === 'number') return value > 9 ? `${value} (0x${value.toString(16)})` : String(value);
  const text = JSON.stringify(value, (_k, v: unknown) =>
    v !== null && typeof v === 'object' && (v as { type?: unknown }).type === 'Buffer' ? '<bytes>' : v,
  );
  return text.length > 120 ? `${text.slice(0, 117)}...` : text;
}
