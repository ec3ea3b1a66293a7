// The statement tables: every numbered statement of both versions, each with a short summary.
import { describe, expect, it } from 'vitest';
import { STATEMENTS, findStatement } from '../../harness/spec/index.js';

describe('statement tables', () => {
  it('hold 140 statements of 3.1.1 and 251 of 5.0, each summarised', () => {
    expect(STATEMENTS['3.1.1'].size).toBe(140);
    expect(STATEMENTS['5.0'].size).toBe(251);
    for (const table of Object.values(STATEMENTS)) {
      for (const statement of table.values()) {
        expect(statement.id).toMatch(/^MQTT-\d+(\.\d+)*-\d+$/);
        expect(statement.summary.length, statement.id).toBeGreaterThan(5);
        expect(statement.summary.length, statement.id).toBeLessThan(100);
      }
    }
  });

  it('look ids up per version', () => {
    expect(findStatement('3.1.1', 'MQTT-3.1.0-1')).toMatchObject({
      version: '3.1.1',
      level: 'MUST',
      section: '3.1',
    });
    expect(findStatement('5.0', 'MQTT-3.1.2-30')?.version).toBe('5.0');
    expect(findStatement('3.1.1', 'MQTT-3.1.2-30')).toBeUndefined();
  });
});
