// Byte values as scenarios write them: a string (UTF-8), { hex }, or { size, fill } (generated).

/** Hex text to bytes; spaces, newlines, `0x` prefixes and `#` comments are allowed. */
export function parseHex(text: string): Buffer {
  const digits = text
    .split('\n')
    .map((line) => line.replace(/#.*$/, ''))
    .join(' ')
    .replace(/0x/gi, '')
    .replace(/[\s,:]/g, '');
  if (!/^[0-9a-fA-F]*$/.test(digits) || digits.length % 2 !== 0) {
    throw new Error(`invalid hex bytes: '${text}'`);
  }
  return Buffer.from(digits, 'hex');
}

export function toBytes(value: unknown): Buffer {
  if (typeof value === 'string') return Buffer.from(value, 'utf8');
  if (Buffer.isBuffer(value)) return value;
  if (value !== null && typeof value === 'object') {
    const spec = value as { hex?: string; size?: number; fill?: string };
    if (typeof spec.hex === 'string') return parseHex(spec.hex);
    if (typeof spec.size === 'number') {
      const fill = Buffer.from(spec.fill ?? 'x', 'utf8');
      const out = Buffer.alloc(spec.size);
      for (let i = 0; i < spec.size; i += fill.length) fill.copy(out, i);
      return out;
    }
  }
  throw new Error(`not a byte value: ${JSON.stringify(value)}`);
}

/** True when `value` is a byte spec (string, {hex}, {size}) rather than a matcher. */
export function isBytesSpec(value: unknown): boolean {
  if (typeof value === 'string') return true;
  if (value === null || typeof value !== 'object') return false;
  return 'hex' in value || 'size' in value;
}
