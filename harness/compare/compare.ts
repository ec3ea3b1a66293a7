// compare(baseline, current): what got better or worse between two runs. Loads are matched by
// name × target × profile × MQTT version and compared on p50, p99 and delivered rate; a change
// counts when it exceeds the threshold AND Welch's t-test over the per-interval samples finds it
// significant (when either side has < 2 intervals, the threshold alone decides). Scenarios are
// matched by id; one that passed (or was not there) and now fails is a regression.
import type { LoadInterval, LoadResult, RunResult, ScenarioResult, Verdict } from '../result/model.js';
import { deliveredPerSecond, rateIntervals } from '../result/intervals.js';
import { loadKey } from '../result/keys.js';
import type {
  CompareOptions,
  Comparison,
  LoadComparison,
  MetricChange,
  MetricName,
  ScenarioChange,
} from './model.js';
import { welchTTest } from './stats.js';

export const DEFAULT_COMPARE_OPTIONS: CompareOptions = { threshold: 0.05, alpha: 0.05 };

export function compare(
  baseline: RunResult,
  current: RunResult,
  options: Partial<CompareOptions> = {},
): Comparison {
  const resolved: CompareOptions = { ...DEFAULT_COMPARE_OPTIONS, ...options };
  const baseLoads = new Map(baseline.loads.map((l) => [loadKey(l), l]));
  const currentLoads = new Map(current.loads.map((l) => [loadKey(l), l]));
  const loads: LoadComparison[] = [];
  for (const [key, cur] of currentLoads) {
    const base = baseLoads.get(key);
    if (base) loads.push(compareLoad(key, base, cur, resolved));
  }
  const scenarios = compareScenarios(baseline.scenarios, current.scenarios);
  const regressions =
    loads.filter((l) => l.regressed).length + scenarios.filter((s) => s.kind === 'newly-failing').length;
  const improvements =
    loads.filter((l) => l.improved).length + scenarios.filter((s) => s.kind === 'fixed').length;
  return {
    baseline: { startedAt: baseline.startedAt, toolVersion: baseline.tool.version },
    current: { startedAt: current.startedAt, toolVersion: current.tool.version },
    options: resolved,
    loads,
    loadsOnlyInBaseline: [...baseLoads.keys()].filter((k) => !currentLoads.has(k)),
    loadsOnlyInCurrent: [...currentLoads.keys()].filter((k) => !baseLoads.has(k)),
    scenarios,
    regressions,
    improvements,
    regressed: regressions > 0,
  };
}

export { loadKey };

function compareLoad(
  key: string,
  base: LoadResult,
  cur: LoadResult,
  options: CompareOptions,
): LoadComparison {
  const metrics: MetricChange[] = [
    metricChange(
      'p50',
      base.latency.p50,
      cur.latency.p50,
      latencySamples(base.intervals, 'p50'),
      latencySamples(cur.intervals, 'p50'),
      options,
    ),
    metricChange(
      'p99',
      base.latency.p99,
      cur.latency.p99,
      latencySamples(base.intervals, 'p99'),
      latencySamples(cur.intervals, 'p99'),
      options,
    ),
    metricChange(
      'rate',
      base.rate.receivedPerSec,
      cur.rate.receivedPerSec,
      rateSamples(base.intervals),
      rateSamples(cur.intervals),
      options,
    ),
  ];
  const verdictRegressed = base.verdict === 'passed' && cur.verdict === 'failed';
  const verdictImproved = base.verdict === 'failed' && cur.verdict === 'passed';
  return {
    key,
    name: cur.name,
    target: cur.target,
    profile: cur.profile,
    mqttVersion: cur.mqttVersion,
    baselineVerdict: base.verdict,
    currentVerdict: cur.verdict,
    metrics,
    regressed: verdictRegressed || metrics.some((m) => m.direction === 'regressed'),
    improved: verdictImproved || metrics.some((m) => m.direction === 'improved'),
  };
}

function metricChange(
  metric: MetricName,
  baseline: number,
  current: number,
  baseSamples: number[],
  currentSamples: number[],
  options: CompareOptions,
): MetricChange {
  const better = metric === 'rate' ? 'higher' : 'lower';
  const change =
    baseline === 0
      ? current === 0
        ? 0
        : current > 0
          ? Infinity
          : -Infinity
      : (current - baseline) / baseline;
  const test = welchTTest(baseSamples, currentSamples);
  const significance = test && {
    test: 'welch-t' as const,
    samples: [baseSamples.length, currentSamples.length] as [number, number],
    t: test.t,
    df: test.df,
    pValue: test.pValue,
    significant: test.pValue < options.alpha,
  };
  const beyondThreshold = Math.abs(change) > options.threshold;
  const counts = beyondThreshold && (significance ? significance.significant : true);
  const worse = better === 'lower' ? change > 0 : change < 0;
  const direction = !counts ? 'unchanged' : worse ? 'regressed' : 'improved';
  return {
    metric,
    unit: metric === 'rate' ? 'msg/s' : 'us',
    better,
    baseline,
    current,
    change,
    ...(significance ? { significance } : {}),
    direction,
  };
}

function latencySamples(intervals: readonly LoadInterval[], which: 'p50' | 'p99'): number[] {
  return intervals.filter((i) => i.latency.count > 0).map((i) => i.latency[which]);
}

function rateSamples(intervals: readonly LoadInterval[]): number[] {
  return rateIntervals(intervals).map(deliveredPerSecond);
}

function compareScenarios(
  baseline: readonly ScenarioResult[],
  current: readonly ScenarioResult[],
): ScenarioChange[] {
  const base = new Map(baseline.map((s) => [s.id, s]));
  const cur = new Map(current.map((s) => [s.id, s]));
  const changes: ScenarioChange[] = [];
  for (const [key, s] of cur) {
    const before = base.get(key);
    const kind = classify(before?.verdict, s.verdict);
    if (kind) changes.push(change(key, s, kind, before?.verdict, s.verdict));
  }
  for (const [key, s] of base)
    if (!cur.has(key)) changes.push(change(key, s, 'removed', s.verdict, undefined));
  const order: Record<ScenarioChange['kind'], number> = {
    'newly-failing': 0,
    fixed: 1,
    changed: 2,
    added: 3,
    removed: 4,
  };
  return changes.sort((a, b) => order[a.kind] - order[b.kind] || a.key.localeCompare(b.key));
}

function classify(before: Verdict | undefined, after: Verdict): ScenarioChange['kind'] | undefined {
  if (after === 'failed' && before !== 'failed') return 'newly-failing';
  if (before === undefined) return 'added';
  if (before === 'failed' && after !== 'failed') return 'fixed';
  return before === after ? undefined : 'changed';
}

function change(
  key: string,
  s: ScenarioResult,
  kind: ScenarioChange['kind'],
  baseline: Verdict | undefined,
  current: Verdict | undefined,
): ScenarioChange {
  return {
    key,
    name: s.name,
    target: s.target,
    mqttVersion: s.mqttVersion,
    profile: s.profile,
    ...(baseline ? { baseline } : {}),
    ...(current ? { current } : {}),
    kind,
  };
}
