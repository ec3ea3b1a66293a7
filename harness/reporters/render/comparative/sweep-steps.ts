// One rate sweep as text, for the console: its steps (figures over the repetitions that reached
// each rate), the maximum sustainable rate and what stopped the climb. The bench reporter prints it
// for every sweep, so a single target under a single profile (no comparison table) still shows its
// curve and, above all, why a step was a knee or inconclusive.
import type { Estimate, SweepResult } from '../../../result/index.js';
import { formatCount, formatMicros, textTable } from '../format.js';
import { placementWords } from '../load-figures.js';

const BOUND_TEXT: Record<SweepResult['bound'], string> = {
  knee: 'knee found above it',
  generator: 'a lower bound: the climb stopped on an inconclusive step',
  'last-rate': 'a lower bound: every planned rate was sustained',
};

function mean(estimate: Estimate, format: (value: number) => string): string {
  if (estimate.n === 0) return '—';
  const ci = estimate.ci === undefined ? '' : ` ±${format(estimate.ci.halfWidth)}`;
  return `${format(estimate.mean)}${ci}`;
}

export function sweepStepsText(sweep: SweepResult): string {
  const rows = [['offered/s', 'verdict', 'delivered/s', 'p50', 'p99', 'samples', 'reason']];
  for (const step of sweep.steps) {
    const counts = Object.entries(step.verdicts)
      .filter(([, n]) => n > 0)
      .map(([verdict, n]) => (step.reached > 1 ? `${verdict} ${n}` : verdict))
      .join(', ');
    rows.push([
      formatCount(step.offeredRate),
      counts,
      mean(step.deliveredRate, formatCount),
      step.latencySamples === 0 ? '—' : mean(step.p50Us, formatMicros),
      step.latencySamples === 0 ? '—' : mean(step.p99Us, formatMicros),
      String(step.latencySamples),
      step.reason ?? '',
    ]);
  }
  const max = sweep.maxSustainableRate;
  const head =
    `Rate sweep ${sweep.key} (${sweep.repetitions.length} climb${sweep.repetitions.length === 1 ? '' : 's'}, ` +
    `SLO ${sweep.slo.text}): max sustainable ${mean(max, formatCount)} msg/s (${BOUND_TEXT[sweep.bound]})` +
    (sweep.verdict === 'inconclusive' ? ` — INCONCLUSIVE: ${sweep.reason ?? ''}` : '');
  const placement = placementWords(sweep.placement);
  return `${head}\n${placement === undefined ? '' : `  ${placement}\n`}${textTable(rows, '  ')}`;
}
