// Target errors: catalogue codes (harness/errors.ts) plus a finer `reason` for tests and messages.
import { HarnessError, type HarnessErrorCode } from '../errors.js';

export type TargetErrorReason =
  | 'unknown' // a spec that is no built-in kind, configured name or URL
  | 'options-invalid' // options that do not fit the kind
  | 'binary-missing' // the broker executable (or npm package) is not installed
  | 'start-failed' // the process exited or never accepted connections
  | 'unreachable' // a url target that does not accept TCP connections
  | 'aborted' // start was aborted by the caller's signal
  | 'deviations-invalid' // a deviations file that does not match its schema
  | 'settings-unsupported'; // the kind cannot run with the settings a scenario requires (a skip)

const CODES: Record<TargetErrorReason, HarnessErrorCode> = {
  unknown: 'HARNESS_OPTIONS_INVALID',
  'options-invalid': 'HARNESS_OPTIONS_INVALID',
  'binary-missing': 'HARNESS_TARGET_START_FAILED',
  'start-failed': 'HARNESS_TARGET_START_FAILED',
  unreachable: 'HARNESS_TARGET_START_FAILED',
  aborted: 'HARNESS_TARGET_START_FAILED',
  'deviations-invalid': 'HARNESS_OPTIONS_INVALID',
  'settings-unsupported': 'HARNESS_TARGET_START_FAILED',
};

export class TargetError extends HarnessError {
  readonly reason: TargetErrorReason;
  constructor(reason: TargetErrorReason, message: string, options?: { cause?: unknown }) {
    super(CODES[reason], message, options);
    this.name = 'TargetError';
    this.reason = reason;
  }
}
