// compare(baseline, current): what got better or worse between two runs. Loads are matched by
// name × target × profile × MQTT version and compared on p50, p99 and delivered rate; a change
// counts when it exceeds the threshold AND judgeDifference (result/sweep-stats.ts, the one decision
// the report's tables and the ranking use) finds it significant on the evidence a report's cell
// holds (loadEvidence: a percentile's order-statistics interval, the rate's interval over the 1 s
// intervals); when neither side has an interval, the threshold alone decides. A change beyond the
// threshold that the test cannot tell from noise is "not significant", never "unchanged". A load
// whose figures either side cannot trust (verdict inconclusive, generator saturated) is not judged:
// no regression, no improvement. Scenarios are matched by id; one that passed (or was not there) and
// now fails is a regression. The counts are counts of the rows the renderers mark.
import type { LoadResult, RunResult, ScenarioResult, Verdict } from '../result/index.js';
import { judgeDifference, loadKey, type Evidence } from '../result/index.js';
import { loadEvidence } from '../reporters/render/comparative/view.js';
import type {
  CompareOptions,
  Comparison,
  LoadComparison,
  MetricChange,
  MetricName,
  ScenarioChange,
  Significance,
} from './model.js';

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
  const rows = (direction: 'regressed' | 'improved'): number =>
    loads.reduce(
      (sum, l) =>
        sum +
        l.metrics.filter((m) => m.direction === direction).length +
        (l.verdictChange === direction ? 1 : 0),
      0,
    );
  const regressions = rows('regressed') + scenarios.filter((s) => s.kind === 'newly-failing').length;
  const improvements = rows('improved') + scenarios.filter((s) => s.kind === 'fixed').length;
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
    inconclusive: loads.filter((l) => l.inconclusive !== undefined).length,
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
      loadEvidence(base, 'p50'),
      loadEvidence(cur, 'p50'),
      options,
    ),
    metricChange(
      'p99',
      base.latency.p99,
      cur.latency.p99,
      loadEvidence(base, 'p99'),
      loadEvidence(cur, 'p99'),
      options,
    ),
    metricChange(
      'rate',
      base.rate.receivedPerSec,
      cur.rate.receivedPerSec,
      loadEvidence(base, 'delivered'),
      loadEvidence(cur, 'delivered'),
      options,
    ),
  ];
  const untrusted = [untrustedText('baseline', base), untrustedText('current', cur)].filter(
    (text): text is string => text !== undefined,
  );
  const inconclusive = untrusted.length > 0 ? untrusted.join('; ') : undefined;
  if (inconclusive !== undefined) for (const m of metrics) m.direction = 'inconclusive';
  const verdictChange =
    base.verdict === cur.verdict
      ? undefined
      : inconclusive !== undefined
        ? 'inconclusive'
        : base.verdict === 'passed' && cur.verdict === 'failed'
          ? 'regressed'
          : base.verdict === 'failed' && cur.verdict === 'passed'
            ? 'improved'
            : 'changed';
  return {
    key,
    name: cur.name,
    target: cur.target,
    profile: cur.profile,
    mqttVersion: cur.mqttVersion,
    baselineVerdict: base.verdict,
    currentVerdict: cur.verdict,
    metrics,
    ...(verdictChange === undefined ? {} : { verdictChange }),
    ...(inconclusive === undefined ? {} : { inconclusive }),
    ...placementChange(base, cur),
    regressed: verdictChange === 'regressed' || metrics.some((m) => m.direction === 'regressed'),
    improved: verdictChange === 'improved' || metrics.some((m) => m.direction === 'improved'),
  };
}

/** "broker CPUs 0 → unpinned; generator CPUs 1 → 0-1" when the two runs were placed differently. */
function placementChange(base: LoadResult, cur: LoadResult): Pick<LoadComparison, 'placementChanged'> {
  const changes = [
    ['broker', base.broker?.cpus, cur.broker?.cpus],
    ['generator', base.generator.cpus, cur.generator.cpus],
  ].flatMap(([who, before, after]) =>
    before === after ? [] : [`${who} CPUs ${before ?? 'unpinned'} → ${after ?? 'unpinned'}`],
  );
  return changes.length === 0 ? {} : { placementChanged: changes.join('; ') };
}

/** Why one side's figures cannot be compared, or undefined when they can. */
function untrustedText(side: 'baseline' | 'current', load: LoadResult): string | undefined {
  if (load.verdict === 'inconclusive')
    return `${side} inconclusive${load.reason === undefined ? '' : ` (${load.reason})`}`;
  if (load.generator.saturated) return `${side} generator saturated (it could not keep its schedule)`;
  return undefined;
}

function metricChange(
  metric: MetricName,
  baseline: number,
  current: number,
  baseEvidence: Evidence,
  currentEvidence: Evidence,
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
  // The one decision, on the evidence the report's cells hold (judgeDifference, α = 0.05).
  const judged = judgeDifference({ ...baseEvidence, mean: baseline }, { ...currentEvidence, mean: current });
  const significance: Significance | undefined =
    judged.test === 'none'
      ? undefined
      : {
          test: judged.test,
          ...(baseEvidence.ci && { baselineCi: { ...baseEvidence.ci } }),
          ...(currentEvidence.ci && { currentCi: { ...currentEvidence.ci } }),
          significant: judged.significant,
        };
  const beyondThreshold = Math.abs(change) > options.threshold;
  const counts = beyondThreshold && (significance ? significance.significant : true);
  const worse = better === 'lower' ? change > 0 : change < 0;
  const direction = !beyondThreshold
    ? 'unchanged'
    : !counts
      ? 'not-significant'
      : worse
        ? 'regressed'
        : 'improved';
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
