// Exploration: generated client sessions checked against the broker model (harness/model/), the
// first disagreement shrunk and written as a replayable scenario. See docs/explore.md.
export {
  explore,
  isKnownDeviation,
  type ExploreOptions,
  type ExploreResult,
  type Finding,
} from './explore.js';
export { executeSession, type ExecuteOptions, type Outcome, type SentRecord } from './execute.js';
export { sessionArbitrary, actionArbitrary } from './generate.js';
export { toScenario, toScenarioYaml, scenarioName } from './scenario.js';
export { runExplore, exploreOutcome, type RunExploreOptions, type ExploreReport } from './run.js';
export { PROFILES, PROFILE_NAMES, profileOf, type ExploreProfile, type ProfileName } from './profiles.js';
