// `harness record`: a proxy that records real clients talking to a real broker, and the scenario
// generated from the recording (see docs/record.md).
import { generateScenario, type GenerateOptions } from './generate/scenario.js';
import { renderScenarioYaml } from './generate/yaml.js';
import type { Recording } from './model.js';

export { startRecorder, type RecorderOptions, type RunningRecorder } from './recorder.js';
export { generateScenario, type GenerateOptions, type GeneratedScenario } from './generate/scenario.js';
export type { Recording, RecordedConnection, RecordedEvent } from './model.js';
export { parseUpstream, type Upstream } from './upstream.js';

/** The recording as scenario YAML. */
export function recordingToYaml(recording: Recording, options: GenerateOptions): string {
  return renderScenarioYaml(generateScenario(recording, options));
}
export { recordSession, type RecordSessionOptions, type RecordSessionResult } from './session.js';
