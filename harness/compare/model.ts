// The comparison of two RunResults (baseline → current): a plain data model, rendered by the
// compare command (text) and, optionally, by the HTML report.
import type { LoadVerdict, Verdict } from '../result/index.js';

export type MetricName = 'p50' | 'p99' | 'rate';

/**
 * How a change was judged: judgeDifference (result/sweep-stats.ts), the decision the report's
 * tables and the ranking use, on the evidence a report's cell holds. `welch`: Welch's t-test over
 * repetitions' values (not produced for single runs); `intervals`: the 95 % intervals of the two
 * runs (a percentile's order statistics, the rate's t interval over 1 s intervals) must not overlap.
 */
export interface Significance {
  test: 'welch' | 'intervals';
  baselineCi?: { low: number; high: number };
  currentCi?: { low: number; high: number };
  significant: boolean;
}

export interface MetricChange {
  metric: MetricName;
  unit: 'us' | 'msg/s';
  better: 'lower' | 'higher';
  baseline: number;
  current: number;
  /** (current − baseline) / baseline; ±Infinity when the baseline is 0. */
  change: number;
  /** Absent when either side has no interval (nothing to judge it with): the threshold alone decides. */
  significance?: Significance;
  /**
   * unchanged: within the threshold. not-significant: beyond it, but judgeDifference cannot tell it from
   * noise (never called unchanged). inconclusive: either side's figures cannot be trusted
   * (verdict inconclusive or generator saturated), so no direction is claimed.
   */
  direction: 'improved' | 'regressed' | 'unchanged' | 'not-significant' | 'inconclusive';
}

export interface LoadComparison {
  key: string;
  name: string;
  target: string;
  profile: string;
  mqttVersion: string;
  baselineVerdict: LoadVerdict;
  currentVerdict: LoadVerdict;
  metrics: MetricChange[];
  /** The verdict row, when the verdict changed: passed → failed regressed, failed → passed improved. */
  verdictChange?: 'regressed' | 'improved' | 'inconclusive' | 'changed';
  /** Why this load is not judged (either side inconclusive or saturated). */
  inconclusive?: string;
  /**
   * The two runs placed the broker or the generator on different CPUs ("broker CPUs 0 → unpinned"):
   * judged all the same, but part of a change may be the placement's (docs/load.md, Placement).
   */
  placementChanged?: string;
  regressed: boolean;
  improved: boolean;
}

export interface ScenarioChange {
  key: string;
  name: string;
  target: string;
  mqttVersion: string;
  profile: string;
  baseline?: Verdict;
  current?: Verdict;
  kind: 'newly-failing' | 'fixed' | 'changed' | 'added' | 'removed';
}

export interface CompareOptions {
  /** Relative change below which a metric counts as unchanged (0.05 = 5%). */
  threshold: number;
  /** Significance level: 0.05, the one judgeDifference decides at (kept in the model for its readers). */
  alpha: number;
}

export interface Comparison {
  baseline: { startedAt: string; toolVersion: string };
  current: { startedAt: string; toolVersion: string };
  options: CompareOptions;
  loads: LoadComparison[];
  /** Loads present on one side only (by key). */
  loadsOnlyInBaseline: string[];
  loadsOnlyInCurrent: string[];
  scenarios: ScenarioChange[];
  /** Rows that regressed: load metrics, load verdicts and newly failing scenarios (what the table marks). */
  regressions: number;
  improvements: number;
  /** Loads not judged because either side's figures cannot be trusted. */
  inconclusive: number;
  /** True when anything got worse: the compare command exits 1. */
  regressed: boolean;
}
