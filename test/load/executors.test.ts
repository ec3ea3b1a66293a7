// The executor registry: every executor file's executor is registered (adding one is one file and one
// registry line, and forgetting the line fails here), each is keyed by its schema's `executor`
// literal, and LoadSection is exactly the union of their schemas.
import { readdirSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { Value } from '@sinclair/typebox/value';
import { describe, expect, it } from 'vitest';
import {
  EXECUTORS,
  executorTypes,
  getExecutor,
  LoadSection,
  type ExecutorPlan,
} from '../../harness/load/index.js';
import { autoWorkers } from '../../harness/load/plan.js';
import type { ClientSpec } from '../../harness/load/protocol.js';

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
      peakRate: 200,
      rate: 200,
      tickMs: 0,
    });
    expect(() => getExecutor('constant-arrival-rate')!.plan({ ...section, rate: 'fast' })).toThrow(
      expect.objectContaining({ code: 'HARNESS_SCENARIO_INVALID' }),
    );
  });
});

describe('workers: auto', () => {
  const cores = availableParallelism();
  const plan = (peakRate: number | undefined, connections = 0): ExecutorPlan => ({
    durationMs: 1000,
    intended: undefined,
    openEnded: false,
    connections,
    peakRate,
  });
  const clients = (count: number, topic: (index: number) => string): ClientSpec[] =>
    Array.from({ length: count }, (_, index) => ({
      index,
      clientId: `c${index}`,
      topic: topic(index),
      qos: 0 as const,
      retain: false,
      cleanStart: true,
      keepAlive: 0,
      protocolLevel: 4 as const,
    }));
  const receivers = (count: number, filter: (index: number) => string) =>
    Array.from({ length: count }, (_, index) => ({
      key: `s${index}`,
      filter: filter(index),
      qos: 0 as const,
    }));

  it('sizes the threads by messages handled per second, at most one per core', () => {
    // 10 pairs at 20 000 msg/s: 40 000 messages a second, one worker.
    expect(
      autoWorkers(
        plan(20_000),
        clients(10, (i) => `t/${i}`),
        receivers(10, (i) => `t/${i}`),
        20,
      ),
    ).toBe(1);
    // One publisher to 1 000 subscribers at 100 msg/s: 100 100 messages a second.
    expect(
      autoWorkers(
        plan(100),
        clients(1, () => 't'),
        receivers(1000, () => 't'),
        1001,
      ),
    ).toBe(Math.min(cores, 3));
  });

  it('gives closed models one per core, and connection storms one per 10 000 connections', () => {
    expect(
      autoWorkers(
        plan(undefined),
        clients(2, (i) => `t/${i}`),
        [],
        2,
      ),
    ).toBe(cores);
    expect(autoWorkers(plan(undefined, 25_000), [], [], 25_000)).toBe(Math.min(cores, 3));
    expect(autoWorkers(plan(undefined, 500), [], [], 500)).toBe(1);
  });
});
