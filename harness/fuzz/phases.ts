// The phases by name, in the order a full run goes through them, with their share of the time.
import { retainedPhase, stalledPhase, willsPhase } from './messages.js';
import { packetsPhase } from './packets.js';
import type { Phase, PhaseName } from './phase.js';
import { floodPhase, slowlorisPhase } from './slow.js';

export const PHASES: Record<PhaseName, Phase> = {
  packets: packetsPhase,
  slowloris: slowlorisPhase,
  flood: floodPhase,
  stalled: stalledPhase,
  wills: willsPhase,
  retained: retainedPhase,
};

const SHARE: Record<PhaseName, number> = {
  packets: 0.35,
  slowloris: 0.1,
  flood: 0.1,
  stalled: 0.2,
  wills: 0.1,
  retained: 0.15,
};

/** Stalled subscribers are held at least this long once the run is long enough (≥ 300 s). */
export const STALL_HOLD_MS = 60_000;
export const LONG_RUN_SECONDS = 300;

/** Milliseconds per phase for a run of `seconds` over `phases`. */
export function phaseDurations(seconds: number, phases: readonly PhaseName[]): Map<PhaseName, number> {
  const total = seconds * 1000;
  const long = seconds >= LONG_RUN_SECONDS && phases.includes('stalled');
  const stalled = long ? Math.max(STALL_HOLD_MS, SHARE.stalled * total) : 0;
  const rest = phases.filter((phase) => !(long && phase === 'stalled'));
  const shares = rest.reduce((sum, phase) => sum + SHARE[phase], 0);
  const durations = new Map<PhaseName, number>();
  for (const phase of phases) {
    durations.set(
      phase,
      long && phase === 'stalled'
        ? stalled
        : Math.max(500, Math.round(((total - stalled) * SHARE[phase]) / shares)),
    );
  }
  return durations;
}
