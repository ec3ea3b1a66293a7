import { describe, expect, it } from 'vitest';
import {
  compare,
  evaluateThresholds,
  parseThreshold,
  parseThresholds,
  ThresholdError,
} from '../../harness/load/thresholds.js';
import type { LoadResult } from '../../harness/result/index.js';

describe('threshold parsing', () => {
  it.each([
    ['p99 < 20ms', { metric: 'p99', comparison: '<', limit: 20_000, unit: 'ms', kind: 'latency' }],
    ['p50<=500us', { metric: 'p50', comparison: '<=', limit: 500, unit: 'us', kind: 'latency' }],
    ['p99.9 < 1s', { metric: 'p99.9', comparison: '<', limit: 1_000_000, unit: 's', kind: 'latency' }],
    ['max < 250', { metric: 'max', comparison: '<', limit: 250_000, unit: 'ms', kind: 'latency' }],
    ['ack.p99 < 5ms', { metric: 'ack.p99', comparison: '<', limit: 5000, kind: 'latency' }],
    ['connect.max <= 2s', { metric: 'connect.max', comparison: '<=', limit: 2_000_000, kind: 'latency' }],
    ['service.p50 < 200us', { metric: 'service.p50', comparison: '<', limit: 200, kind: 'latency' }],
    ['lateness.p99 < 1ms', { metric: 'lateness.p99', comparison: '<', limit: 1000, kind: 'latency' }],
    ['lost == 0', { metric: 'lost', comparison: '==', limit: 0, kind: 'count' }],
    ['duplicated != 3', { metric: 'duplicated', comparison: '!=', limit: 3, kind: 'count' }],
    ['rate >= 10000', { metric: 'rate', comparison: '>=', limit: 10_000, kind: 'rate' }],
    ['received_rate > 2.5', { metric: 'received_rate', comparison: '>', limit: 2.5, kind: 'rate' }],
    ['overrun < 100ms', { metric: 'overrun', comparison: '<', limit: 100, kind: 'duration' }],
    ['  errors == 0  ', { metric: 'errors', comparison: '==', limit: 0, expression: 'errors == 0' }],
  ])('%s', (expression, expected) => {
    expect(parseThreshold(expression)).toMatchObject(expected);
  });

  it.each([
    ['p99 20ms', /expected '<metric> <op> <value>'/],
    ['p98 < 20ms', /unknown metric 'p98'/],
    ['latency < 20ms', /unknown metric/],
    ['lost == 0ms', /'lost' takes no unit/],
    ['p99 < 20kg', /latency unit/],
    ['ack.p42 < 1ms', /unknown metric/],
    ['p99 =< 20ms', /expected/],
  ])('rejects %s', (expression, message) => {
    expect(() => parseThreshold(expression)).toThrow(ThresholdError);
    expect(() => parseThreshold(expression)).toThrow(message);
  });

  it.each([
    [1, '<', 2, true],
    [2, '<', 2, false],
    [2, '<=', 2, true],
    [3, '>', 2, true],
    [2, '>=', 3, false],
    [0, '==', 0, true],
    [1, '!=', 1, false],
  ] as const)('%d %s %d is %s', (actual, comparison, limit, expected) => {
    expect(compare(actual, comparison, limit)).toBe(expected);
  });
});

describe('event_loop_lag', () => {
  // An idle loop: the monitor's raw p99 is its 10 ms sampling period, the delay beyond it 0.4 ms.
  const idle = (generator: Partial<LoadResult['generator']>): LoadResult =>
    ({
      generator: {
        saturated: false,
        eventLoopLagP99Ms: 10.4,
        scheduleOverrunMs: 0,
        cpuPercent: 1,
        workers: 1,
        ...generator,
      },
    }) as unknown as LoadResult;
  const judge = (result: LoadResult, expression: string) =>
    evaluateThresholds(result, parseThresholds([expression]).thresholds)[0];

  it('judges the delay beyond the sampling period, not the raw monitor figure', () => {
    expect(judge(idle({ eventLoopDelayP99Ms: 0.4 }), 'event_loop_lag < 5ms')).toMatchObject({
      actual: 0.4,
      ok: true,
      unit: 'ms',
    });
    expect(judge(idle({ eventLoopDelayP99Ms: 0.4 }), 'event_loop_lag < 0.2ms')).toMatchObject({ ok: false });
  });

  it('derives the delay from the raw figure of results written before it existed', () => {
    expect(judge(idle({ eventLoopLagP99Ms: 13 }), 'event_loop_lag <= 3ms')).toMatchObject({
      actual: 3,
      ok: true,
    });
    expect(judge(idle({ eventLoopLagP99Ms: 13 }), 'event_loop_lag < 3ms')).toMatchObject({ ok: false });
  });
});
