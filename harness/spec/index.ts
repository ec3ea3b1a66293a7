// Lookup of the normative statements by MQTT version.
import { STATEMENTS_311 } from './statements-311.js';
import { STATEMENTS_50 } from './statements-50.js';
import type { StatementLevel, StatementRow } from './statements.js';
import type { MqttVersion } from '../vocabulary.js';

export type { StatementLevel, StatementRow };

export interface Statement {
  id: string;
  version: MqttVersion;
  level: StatementLevel;
  section: string;
  summary: string;
}

function index(version: MqttVersion, rows: readonly StatementRow[]): ReadonlyMap<string, Statement> {
  const map = new Map<string, Statement>();
  for (const [id, level, section, summary] of rows)
    map.set(id, Object.freeze({ id, version, level, section, summary }));
  return map;
}

export const STATEMENTS: Readonly<Record<MqttVersion, ReadonlyMap<string, Statement>>> = Object.freeze({
  '3.1.1': index('3.1.1', STATEMENTS_311),
  '5.0': index('5.0', STATEMENTS_50),
});

export function findStatement(version: MqttVersion, id: string): Statement | undefined {
  return STATEMENTS[version].get(id);
}
