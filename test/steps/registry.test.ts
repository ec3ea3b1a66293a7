// The step registry: one table gives the kinds, the Step schema and the dispatch; a definition that
// does not fit its kind does not compile (checked by `npm run typecheck`, which includes this file).
import { Type } from '@sinclair/typebox';
import { describe, expect, it } from 'vitest';
import { defineStep } from '../../harness/steps/define.js';
import {
  RUNNABLE,
  STEP_KINDS,
  StepSchema,
  isExpansionKind,
  isRunKind,
} from '../../harness/steps/registry.js';
import { parseScenario } from '../../harness/scenario/index.js';

describe('step registry', () => {
  it('lists every kind once, in the order of the table, and the Step schema has exactly those keys', () => {
    expect(STEP_KINDS).toEqual([
      'connect',
      'reconnect',
      'send',
      'raw',
      'expect',
      'expectAll',
      'expectNothing',
      'expectCount',
      'expectClosed',
      'wait',
      'disconnect',
      'drop',
      'subscribe',
      'unsubscribe',
      'publish',
      'ping',
      'auth',
      'websocket',
      'parallel',
      'repeat',
      'when',
    ]);
    expect(Object.keys(JSON.parse(JSON.stringify(StepSchema)).properties)).toEqual(STEP_KINDS);
    expect(STEP_KINDS.filter(isExpansionKind)).toEqual(['repeat']);
  });

  it('resolves every kind into a step of that kind (repeat into the steps it repeats)', () => {
    const { scenario, issues } = parseScenario(
      [
        'name: all-kinds',
        'steps:',
        '  - connect: {}',
        '  - reconnect: {}',
        '  - send: { packet: { type: pingreq } }',
        "  - raw: { hex: 'c0 00' }",
        '  - expect: { packet: { type: pingresp } }',
        '  - expectAll: [{ packet: { type: pingresp } }]',
        '  - expectNothing: { duration: 1 }',
        '  - expectCount: { clients: [a], packet: { type: publish }, count: 0, duration: 1 }',
        '  - expectClosed: {}',
        '  - wait: 1',
        '  - disconnect: {}',
        '  - drop: {}',
        '  - subscribe: { filter: t }',
        '  - unsubscribe: { filter: t }',
        '  - publish: { topic: t }',
        '  - ping: {}',
        '  - auth: { data: x }',
        '  - websocket: { text: x }',
        '  - parallel: [[{ wait: 1 }], [{ wait: 2 }]]',
        '  - repeat: { count: 2, steps: [{ wait: 3 }] }',
        '  - when: { connack: { maximumQoS: 2 }, then: [{ wait: 4 }] }',
      ].join('\n'),
      's.yaml',
    );
    expect(issues).toEqual([]);
    const kinds = scenario?.steps.map((step) => step.kind);
    const plain = STEP_KINDS.filter((kind) => kind !== 'repeat' && kind !== 'when');
    expect(kinds).toEqual([...plain, 'wait', 'wait', 'when']);
    expect(scenario?.steps.map((step) => step.location)).toEqual([
      ...Array.from({ length: 19 }, (_, i) => `s.yaml:${i + 3}`),
      's.yaml:22',
      's.yaml:22',
      's.yaml:23',
    ]);
    // Indexes count the flattened list: parallel first, then its branches' steps (when: the same).
    expect(scenario?.stepCount).toBe(25);
    expect(scenario?.steps.map((step) => step.index)).toEqual([
      ...Array.from({ length: 19 }, (_, i) => i),
      21,
      22,
      23,
    ]);
  });

  it('has a runner for every kind that leaves a step', () => {
    for (const kind of STEP_KINDS.filter(isRunKind)) expect(typeof RUNNABLE[kind].run).toBe('function');
  });

  it('rejects, at compile time, a definition whose input does not fit its kind', () => {
    const wrongInput = defineStep({
      schema: Type.String(),
      resolve: (text) => ({ ms: text.length }),
      run: () => Promise.resolve(),
    });
    // @ts-expect-error `wait` takes a number of milliseconds, not a string
    const asWait: (typeof RUNNABLE)['wait'] = wrongInput;
    const wrongBody = defineStep({
      schema: Type.Integer(),
      resolve: (ms) => ({ millis: ms }),
      run: () => Promise.resolve(),
    });
    // @ts-expect-error a `wait` step has `ms`, which the runner reads
    const asWait2: (typeof RUNNABLE)['wait'] = wrongBody;
    expect([asWait, asWait2]).toHaveLength(2);
  });
});
