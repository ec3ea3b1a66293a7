// Differential runs: the same scenarios on several targets, compared packet by packet (see
// docs/diff.md). diffRun is a pure function of a RunResult whose scenario results carry transcripts
// (runHarness({ diff }) keeps them and attaches the report to the result).
import { DIFF_SCHEMA_VERSION } from '../result/index.js';
import type { DiffReport, DiffSettings, NotCompared, ScenarioResult } from '../result/index.js';
import { groupFindings } from './group.js';
import { compareInstance, notComparable, type Finding } from './instances.js';

export type { DiffSettings };

export const DIFF_DEFAULTS = { timingToleranceMs: 500, timingFactor: 3 } as const;

/** What `runHarness({ diff })` takes: the baseline defaults to the first target. */
export interface DiffOptions {
  baseline?: string;
  timingToleranceMs?: number;
  timingFactor?: number;
}

export function diffRun(
  result: { targets: readonly { name: string }[]; scenarios: readonly ScenarioResult[] },
  settings: DiffSettings,
): DiffReport {
  const names = result.targets.map((target) => target.name);
  const targets = [settings.baseline, ...names.filter((name) => name !== settings.baseline)];
  const instances = new Map<string, Map<string, ScenarioResult>>();
  for (const scenario of result.scenarios) {
    const key = `${scenario.name}\u0000${scenario.mqttVersion}\u0000${scenario.profile}`;
    const byTarget = instances.get(key) ?? new Map<string, ScenarioResult>();
    byTarget.set(scenario.target, scenario);
    instances.set(key, byTarget);
  }
  const findings: Finding[] = [];
  const notCompared: NotCompared[] = [];
  let compared = 0;
  const timing = { toleranceMs: settings.timingToleranceMs, factor: settings.timingFactor };
  for (const byTarget of instances.values()) {
    const any = [...byTarget.values()][0]!;
    const problems = targets.flatMap((target) => {
      const reason = notComparable(byTarget.get(target));
      return reason === undefined ? [] : [{ target, reason }];
    });
    if (problems.length > 0) {
      for (const { target, reason } of problems) {
        notCompared.push({
          scenario: any.name,
          mqttVersion: any.mqttVersion,
          profile: any.profile,
          target,
          reason,
        });
      }
      continue;
    }
    compared++;
    const base = byTarget.get(settings.baseline)!;
    for (const target of targets.slice(1))
      findings.push(...compareInstance(base, byTarget.get(target)!, timing));
  }
  return {
    schemaVersion: DIFF_SCHEMA_VERSION,
    settings: { ...settings },
    targets,
    compared,
    notCompared,
    total: findings.length,
    rows: groupFindings(findings, settings.baseline),
  };
}
