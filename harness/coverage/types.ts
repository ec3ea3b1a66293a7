// Coverage of the normative statements by the conformance scenarios, per MQTT version.
import { MQTT_VERSIONS, type MqttVersion } from '../vocabulary.js';

export type CoverageVersion = MqttVersion;

export const COVERAGE_VERSIONS: readonly CoverageVersion[] = MQTT_VERSIONS;

export interface VersionCoverage {
  /** Every numbered statement of the version. */
  statements: number;
  /** Statements minus the excluded ones (those a broker test can observe). */
  testable: number;
  /** Testable statements listed by at least one scenario for this version. */
  covered: number;
  /** Testable statements no scenario lists, in specification order. */
  uncovered: string[];
  /** Statements left out of the broker catalogue, with the reason. */
  excluded: { id: string; reason: string }[];
}

export type CoverageReport = Record<CoverageVersion, VersionCoverage>;

export interface CoverageResult {
  report: CoverageReport;
  /** Inconsistencies (an excluded id also covered or unknown, a malformed excluded file): exit 1. */
  problems: string[];
  /** Which scenarios list each covered statement, per version (for the text output). */
  coveredBy: Record<CoverageVersion, ReadonlyMap<string, readonly string[]>>;
}
