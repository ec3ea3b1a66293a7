// Field by field comparison of two packets of the same type that two targets sent at the same point
// of a scenario. Values chosen freely by each server (packet identifiers, assigned client ids, the
// text of reason strings) are compared by presence only; everything else by value.
import type { DifferenceAspect } from '../result/index.js';
import { render, renderReasonCode, sameValue } from './values.js';

export interface FieldDifference {
  aspect: DifferenceAspect;
  field: string;
  baseline: string;
  other: string;
}

type Fields = Readonly<Record<string, unknown>>;

/** Fields each server picks for itself: never compared. */
const IGNORED = new Set(['type', 'packetId']);
const FLAGS = new Set(['dup', 'retain', 'qos', 'sessionPresent']);
const REASONS = new Set(['reasonCode', 'reasonCodes']);
/** Properties whose value is the server's own choice or prose: only whether they are there counts. */
const PRESENCE_ONLY = new Set([
  'assignedClientIdentifier',
  'reasonString',
  'responseInformation',
  'serverReference',
]);
/** A missing reason code means 0x00 on these packets (MQTT 5.0 sections 3.4.2.1 ... 3.15.2.1). */
const ZERO_WHEN_ABSENT = new Set(['puback', 'pubrec', 'pubrel', 'pubcomp', 'disconnect', 'auth']);

export function compareFields(type: string, baseline: Fields, other: Fields): FieldDifference[] {
  const out: FieldDifference[] = [];
  const keys = new Set([...Object.keys(baseline), ...Object.keys(other)]);
  for (const key of keys) {
    if (IGNORED.has(key)) continue;
    if (key === 'properties') {
      out.push(...compareProperties(asFields(baseline[key]), asFields(other[key])));
      continue;
    }
    let a = baseline[key];
    let b = other[key];
    if (key === 'reasonCode' && ZERO_WHEN_ABSENT.has(type)) {
      a ??= 0;
      b ??= 0;
    }
    if (sameValue(a, b)) continue;
    if (REASONS.has(key)) {
      out.push({ aspect: 'reason code', field: key, baseline: reasons(a, type), other: reasons(b, type) });
    } else {
      out.push({
        aspect: FLAGS.has(key) ? 'flag' : 'field',
        field: key,
        baseline: render(a),
        other: render(b),
      });
    }
  }
  return out;
}

function compareProperties(baseline: Fields, other: Fields): FieldDifference[] {
  const out: FieldDifference[] = [];
  const keys = [...new Set([...Object.keys(baseline), ...Object.keys(other)])].sort();
  for (const key of keys) {
    const a = baseline[key];
    const b = other[key];
    const field = `properties.${key}`;
    if (PRESENCE_ONLY.has(key)) {
      if ((a === undefined) !== (b === undefined)) {
        out.push({ aspect: 'property', field, baseline: presence(a), other: presence(b) });
      }
      continue;
    }
    // The expiry interval counts down while a message waits: a second either way is the same value.
    if (
      key === 'messageExpiryInterval' &&
      typeof a === 'number' &&
      typeof b === 'number' &&
      Math.abs(a - b) <= 1
    )
      continue;
    if (!sameValue(a, b)) out.push({ aspect: 'property', field, baseline: render(a), other: render(b) });
  }
  return out;
}

function reasons(value: unknown, type: string): string {
  return Array.isArray(value)
    ? `[${value.map((code) => renderReasonCode(code, type)).join(', ')}]`
    : renderReasonCode(value, type);
}

function presence(value: unknown): string {
  return value === undefined ? 'absent' : 'present';
}

function asFields(value: unknown): Fields {
  return value !== null && typeof value === 'object' && !Array.isArray(value)
    ? Object.fromEntries(Object.entries(value))
    : {};
}
