// Strict MQTT UTF-8 strings: well-formed UTF-8 (no overlongs, no surrogates U+D800..U+DFFF, nothing above
// U+10FFFF) and no U+0000. U+FEFF is kept as is: 3.1.1 [MQTT-1.5.3-3] / 5.0 [MQTT-1.5.4-3].
import { isUtf8 } from 'node:buffer';

export type Utf8Problem = 'ill-formed' | 'null-character';

/** Checks buf[start..end); returns undefined when valid. */
export function checkMqttUtf8(buf: Buffer, start: number, end: number): Utf8Problem | undefined {
  let ascii = true;
  for (let i = start; i < end; i++) {
    const b = buf[i]!;
    if (b === 0) return 'null-character';
    if (b >= 0x80) ascii = false;
  }
  if (ascii) return undefined;
  // isUtf8 follows the WHATWG decoder: rejects overlongs, surrogates and code points above U+10FFFF.
  return isUtf8(buf.subarray(start, end)) ? undefined : 'ill-formed';
}

/** Decodes buf[start..end) after checkMqttUtf8 accepted it. */
export function decodeUtf8(buf: Buffer, start: number, end: number): string {
  return buf.toString('utf8', start, end);
}
