// The harness error catalogue. Every error the harness throws to its caller has a stable string
// `code` listed here and documented in docs/errors.md (a test keeps the two in step). MQTT reason
// codes are protocol numbers and live in wire/, not here.
import { formatIssue, type ValidationIssue } from './validation/index.js';

export const ERROR_CODES = {
  HARNESS_SCENARIO_INVALID: 'A scenario file does not parse or does not match the scenario format.',
  HARNESS_SCENARIO_NOT_FOUND:
    'A scenario path given to the harness does not exist or holds no scenario files.',
  HARNESS_OPTIONS_INVALID: 'The options given to runHarness are inconsistent or out of range.',
  HARNESS_TARGET_START_FAILED: 'No target could be started, so nothing could run.',
  HARNESS_TRANSPORT_FAILED:
    'A connection to an endpoint could not be opened (refused, timed out, TLS or WebSocket error).',
  HARNESS_PROFILE_NOT_FOUND: 'A network profile is neither a built-in nor a profile file that exists.',
  HARNESS_PROFILE_INVALID: 'A network profile file does not parse or does not match the profile format.',
  HARNESS_REPORTER_UNKNOWN: 'A reporter name is not one of the built-in reporters.',
  HARNESS_RESULT_INVALID:
    'A saved result file cannot be read, is not JSON, or is not a RunResult of a supported schema version.',
  HARNESS_MERGE_INVALID:
    'Results cannot be merged: loads with the same key differ in schedule, configuration or tool version.',
  HARNESS_SHARD_INVALID:
    'A shard setting is wrong: --shard is not I/N with 0 ≤ I < N, or --shards has no index in JOB_COMPLETION_INDEX.',
  HARNESS_SHARD_MISMATCH:
    'Shard results cannot be merged: they come from different runs or plans, or one segment appears twice.',
  HARNESS_USAGE: 'The command line is wrong: an unknown option, a missing or malformed value.',
  HARNESS_NETWORK_FAILED:
    'A network profile could not be applied: proxy port taken, kernel backend unavailable, or a kernel command failed.',
  HARNESS_PLACEMENT_INVALID:
    'A CPU placement cannot be applied: a malformed CPU list, a CPU outside the allowed set, a target or load the harness cannot pin, or no taskset.',
  HARNESS_RECORD_FAILED:
    'A recording could not start (the listen address is taken) or its scenario file could not be written.',
} as const;

export type HarnessErrorCode = keyof typeof ERROR_CODES;

export class HarnessError extends Error {
  readonly code: HarnessErrorCode;
  constructor(code: HarnessErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'HarnessError';
    this.code = code;
  }
}

/** One problem in one scenario file, with its position (the validation pipeline's issue). */
export type ScenarioIssue = ValidationIssue;
export { formatIssue };

/** Thrown by loadScenarios with every problem found in every file, not just the first. */
export class ScenarioValidationError extends HarnessError {
  readonly issues: readonly ScenarioIssue[];
  constructor(issues: readonly ScenarioIssue[]) {
    const count = issues.length === 1 ? '1 problem' : `${issues.length} problems`;
    super('HARNESS_SCENARIO_INVALID', `invalid scenario (${count}):\n${issues.map(formatIssue).join('\n')}`);
    this.name = 'ScenarioValidationError';
    this.issues = issues;
  }
}

export class TransportError extends HarnessError {
  /** What happened: refused, timeout, tls, websocket, dns, aborted, error. */
  readonly reason: string;
  constructor(reason: string, message: string, options?: { cause?: unknown }) {
    super('HARNESS_TRANSPORT_FAILED', message, options);
    this.name = 'TransportError';
    this.reason = reason;
  }
}

export function isHarnessError(error: unknown): error is HarnessError {
  return error instanceof HarnessError;
}

/**
 * Several problems found while planning a run (unknown target, unknown profile, invalid scenario...),
 * reported together so one attempt shows them all. Its code is the first problem's.
 */
export class PlanError extends HarnessError {
  readonly problems: readonly HarnessError[];
  constructor(problems: readonly [HarnessError, ...HarnessError[]]) {
    super(
      problems[0].code,
      `${problems.length} problems:\n${problems.map((p) => `- ${p.message.replace(/\n/g, '\n  ')}`).join('\n')}`,
    );
    this.name = 'PlanError';
    this.problems = problems;
  }
}
