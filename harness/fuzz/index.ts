// Public surface of the fuzzer (docs/fuzz.md): runFuzz, replayCases, the generators and the phases.
export {
  runFuzz,
  phaseSeed,
  type FuzzOptions,
  type FuzzResult,
  type FuzzFailure,
  type PhaseReport,
} from './run.js';
export { replayCases, type ReplayResult } from './replay.js';
export {
  fuzzCase,
  fuzzPacket,
  generatePacket,
  mutateBytes,
  PACKET_TYPES,
  FUZZ_VERSIONS,
  type FuzzCase,
} from './generate.js';
export { PHASE_NAMES, type PhaseName } from './phase.js';
export { PHASES, phaseDurations, STALL_HOLD_MS } from './phases.js';
export { probe, type ProbeResult } from './probe.js';
export { Random } from './random.js';
