// The executor registry: every executor file's executor is registered (adding one is one file and one
// registry line, and forgetting the line fails here), each is keyed by its schema's `executor`
// literal, and LoadSection is exactly the union of their schemas.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { Value } from '@sinclair/typebox/value';
import { describe, expect, it } from 'vitest';
import { EXECUTORS, executorTypes, getExecutor, LoadSection } from '../../harness/load/index.js';

const dir = join(import.meta.dirname, '../../harness/load/executors');

function isExecutor(value: unknown): value is { type: string } {
  return (
    typeof value === 'object' &&
    value !== null &&
    'type' in value &&
    'schema' in value &&
    'check' in value &&
    'plan' in value &&
    'run' in value
  );
}

describe('executor registry', () => {
  it('registers every executor defined under harness/load/executors/', async () => {
    const found: string[] = [];
    for (const file of readdirSync(dir).filter((name) => name.endsWith('.ts'))) {
      const module = (await import(join(dir, file))) as Record<string, unknown>;
      for (const value of Object.values(module)) {
        if (!isExecutor(value)) continue;
        found.push(value.type);
        expect(getExecutor(value.type), `${file}: '${value.type}' is not in registry.ts`).toBe(value);
      }
    }
    expect(found.sort()).toEqual(executorTypes().sort());
  });

  it('keys each executor by its schema literal, and LoadSection is their union', () => {
    for (const executor of EXECUTORS) {
      expect(executor.schema.properties.executor.const).toBe(executor.type);
      expect(LoadSection.anyOf).toContain(executor.schema);
    }
    expect(LoadSection.anyOf).toHaveLength(EXECUTORS.length);
    expect(new Set(executorTypes()).size).toBe(EXECUTORS.length);
  });

  it('plans from the typed section; a section of another shape is refused, not guessed', () => {
    const section = {
      executor: 'constant-arrival-rate',
      rate: 200,
      duration: '2s',
      publishers: { count: 2, topic: 't/%i' },
    };
    expect(Value.Check(LoadSection, section)).toBe(true);
    expect(getExecutor('constant-arrival-rate')!.plan(section)).toEqual({
      durationMs: 2000,
      intended: 400,
      openEnded: false,
      connections: 0,
      rate: 200,
      tickMs: 0,
    });
    expect(() => getExecutor('constant-arrival-rate')!.plan({ ...section, rate: 'fast' })).toThrow(
      /LOAD_INVALID_CONFIG/,
    );
  });
});
