// Placement errors: one catalogue code (harness/errors.ts), a finer `reason` for tests and messages.
import { HarnessError } from '../errors.js';

export type PlacementErrorReason =
  | 'malformed' // not a CPU list
  | 'unavailable' // a CPU outside the ones this process may use
  | 'unsupported' // no Linux affinity here (no Cpus_allowed_list in /proc)
  | 'unpinnable' // given where the harness cannot pin: a URL target, the embedded broker, workers: 0
  | 'taskset-missing'; // the taskset command (util-linux) is not installed

export class PlacementError extends HarnessError {
  readonly reason: PlacementErrorReason;
  constructor(reason: PlacementErrorReason, message: string) {
    super('HARNESS_PLACEMENT_INVALID', message);
    this.name = 'PlacementError';
    this.reason = reason;
  }
}
