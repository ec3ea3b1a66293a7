// Comparing one scenario instance (scenario × MQTT version × profile) as the baseline target ran it
// with the same instance on another target: verdicts, then step by step and client by client, what
// each target sent. Steps after the first failing one are not compared (that side stopped there).
import type {
  DifferenceAspect,
  DifferenceClass,
  DifferenceOccurrence,
  ScenarioResult,
  TranscriptEvent,
} from '../result/index.js';
import { alignSequences, type Observed, type PairFinding, type TimingRule } from './align.js';
import { normalize } from './values.js';

/** One difference at one place, before grouping. */
export interface Finding extends PairFinding {
  class: DifferenceClass;
  target: string;
  occurrence: DifferenceOccurrence;
}

const FAILING = new Set<ScenarioResult['verdict']>(['failed', 'warning', 'deviation']);

export function compareInstance(
  baseline: ScenarioResult,
  other: ScenarioResult,
  timing: TimingRule,
): Finding[] {
  const failA = failingStep(baseline);
  const failB = failingStep(other);
  const oneFails = (failA === undefined) !== (failB === undefined);
  const failing = oneFails ? (failA ?? failB) : undefined;
  // Both sides ran the steps before the first failure (and, when only one side failed, that step).
  const last = oneFails ? failing! : Math.min(failA ?? Infinity, failB ?? Infinity) - 1;
  const a = byStepAndClient(baseline);
  const b = byStepAndClient(other);
  const keys = [...new Set([...a.keys(), ...b.keys()])]
    .map((key) => ({ key, ...parseKey(key) }))
    .filter((entry) => entry.step <= last)
    .sort((x, y) => x.step - y.step || x.client.localeCompare(y.client));
  const findings: Finding[] = [];
  for (const { key, step, client } of keys) {
    const found = collapse(alignSequences(a.get(key) ?? [], b.get(key) ?? [], timing));
    for (const finding of found) {
      const cls: DifferenceClass =
        finding.aspect === 'timing'
          ? 'timing'
          : step === failing
            ? 'one side fails the scenario'
            : 'both legal';
      findings.push({
        ...finding,
        class: cls,
        target: other.target,
        occurrence: occurrence(baseline, step, client, finding),
      });
    }
  }
  if (oneFails && failing !== undefined) {
    const explained = findings.some((f) => f.class === 'one side fails the scenario');
    if (!explained) findings.push(verdictFinding(baseline, other, failing));
  }
  return findings;
}

/**
 * The same difference several times at one step of one client (64 PUBREC only one side sent) is one
 * occurrence, with how many times in its detail; timing differences stay one per packet.
 */
function collapse(findings: readonly PairFinding[]): PairFinding[] {
  const out = new Map<string, { finding: PairFinding; times: number }>();
  findings.forEach((finding, i) => {
    const key =
      finding.aspect === 'timing'
        ? `#${i}`
        : [finding.aspect, finding.packet, finding.field, finding.baseline, finding.other].join('\u0000');
    const known = out.get(key);
    if (known === undefined) out.set(key, { finding, times: 1 });
    else known.times++;
  });
  return [...out.values()].map(({ finding, times }) =>
    times === 1
      ? finding
      : { ...finding, detail: `×${times}${finding.detail === undefined ? '' : `: ${finding.detail}`}` },
  );
}

function verdictFinding(baseline: ScenarioResult, other: ScenarioResult, step: number): Finding {
  const failed = FAILING.has(baseline.verdict) ? baseline : other;
  const message = failed.failure?.message ?? failed.reason ?? 'failed';
  const variables = failed.transcript?.variables ?? {};
  const detail = `${failed.target}: ${String(normalize(message, variables))}`;
  const aspect: DifferenceAspect = 'verdict';
  return {
    aspect,
    class: 'one side fails the scenario',
    target: other.target,
    baseline: baseline.verdict,
    other: other.verdict,
    detail,
    occurrence: { ...occurrence(baseline, step, failed.failure?.client, undefined), detail },
  };
}

function failingStep(result: ScenarioResult): number | undefined {
  if (!FAILING.has(result.verdict)) return undefined;
  return result.failure?.stepIndex ?? result.steps?.find((step) => step.status === 'failed')?.index ?? -1;
}

function occurrence(
  result: ScenarioResult,
  step: number,
  client: string | undefined,
  finding: PairFinding | undefined,
): DifferenceOccurrence {
  const known = result.transcript?.steps.find((candidate) => candidate.index === step);
  return {
    scenario: result.name,
    file: result.file,
    mqttVersion: result.mqttVersion,
    profile: result.profile,
    step,
    stepKind: known?.kind ?? result.steps?.find((candidate) => candidate.index === step)?.kind ?? '?',
    ...(known?.location !== undefined && { location: known.location }),
    ...(client !== undefined && { client }),
    statements: [...result.statements],
    ...(finding?.detail !== undefined && { detail: finding.detail }),
    ...(finding?.timing !== undefined && {
      baselineMs: finding.timing.baselineMs,
      otherMs: finding.timing.otherMs,
    }),
  };
}

/** What the target sent, by `step NUL client`, in the order it arrived. */
function byStepAndClient(result: ScenarioResult): Map<string, Observed[]> {
  const transcript = result.transcript;
  const out = new Map<string, Observed[]>();
  if (transcript === undefined) return out;
  const starts = new Map((result.steps ?? []).map((step) => [step.index, step.startMs]));
  for (const event of transcript.events) {
    if (event.direction !== 'received') continue;
    const key = `${event.step}\u0000${event.client}`;
    const list = out.get(key) ?? [];
    list.push(observed(event, transcript.variables, starts.get(event.step)));
    out.set(key, list);
  }
  return out;
}

function observed(
  event: TranscriptEvent,
  variables: Readonly<Record<string, string>>,
  stepStartMs: number | undefined,
): Observed {
  const waitMs = Math.max(0, Math.round(event.atMs - (stepStartMs ?? event.atMs)));
  switch (event.kind) {
    case 'closed':
      return { token: 'closed', close: event.close ?? 'fin', waitMs };
    case 'garbage':
      return { token: 'garbage', waitMs };
    case 'packet':
    case 'raw': {
      const packet = normalize(event.packet ?? {}, variables);
      return {
        token: event.type ?? 'packet',
        packet:
          packet !== null && typeof packet === 'object' ? Object.fromEntries(Object.entries(packet)) : {},
        waitMs,
      };
    }
  }
}

function parseKey(key: string): { step: number; client: string } {
  const [step = '-1', client = ''] = key.split('\u0000');
  return { step: Number(step), client };
}

/** Why an instance cannot be compared on a target, or undefined when it can. */
export function notComparable(result: ScenarioResult | undefined): string | undefined {
  if (result === undefined) return 'not run';
  if (result.verdict === 'skipped') return `skipped: ${result.reason ?? ''}`.trim();
  if (result.transcript === undefined)
    return result.reason !== undefined ? `not run: ${result.reason}` : 'no transcript';
  return undefined;
}
