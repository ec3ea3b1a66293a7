// The comparison of two RunResults (baseline → current): a plain data model, rendered by the
// compare command (text) and, optionally, by the HTML report.
import type { LoadVerdict, Verdict } from '../result/index.js';

export type MetricName = 'p50' | 'p99' | 'rate';

export interface Significance {
  test: 'welch-t';
  /** Per-interval samples on each side. */
  samples: [baseline: number, current: number];
  t: number;
  df: number;
  /** Two-sided p-value. */
  pValue: number;
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
  /** Absent when either side has fewer than 2 usable intervals. */
  significance?: Significance;
  /**
   * unchanged: within the threshold. not-significant: beyond it, but the t-test cannot tell it from
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
  /** Significance level of the Welch t-test. */
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
