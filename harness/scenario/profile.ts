// A scenario's `profile:`, checked when the scenario is loaded (so `harness validate` and the plan
// see a missing or invalid profile): a built-in name, or a network profile file named relative to
// the scenario file. The resolved scenario then names the file by its path from the working
// directory, which is what the runner applies.
import { dirname } from 'node:path';
import type { ScenarioIssue } from '../errors.js';
import { NetworkError, resolveProfileReference, type ProfileReference } from '../network/index.js';
import type { YamlSource } from '../validation/index.js';
import { deepFreeze } from './resolve.js';
import type { ResolvedScenario } from './types.js';

/** One lookup per profile value and directory within one load. */
export type ProfileCache = Map<string, Promise<ProfileReference | NetworkError>>;

export async function checkScenarioProfile(
  scenario: ResolvedScenario,
  source: YamlSource,
  absoluteFile: string,
  display: (file: string) => string,
  cache: ProfileCache,
): Promise<{ scenario?: ResolvedScenario; issues: ScenarioIssue[] }> {
  const value = scenario.profile;
  if (value === undefined) return { scenario, issues: [] };
  const outcome = await lookUpProfile(value, dirname(absoluteFile), display, cache);
  if (outcome instanceof NetworkError) {
    const at = { file: source.file, ...source.at([], 'profile'), path: 'profile' };
    const lines =
      outcome.details.length > 0
        ? outcome.details.map((d) => `invalid network profile: ${d}`)
        : [outcome.message];
    return { issues: lines.map((message) => ({ ...at, message })) };
  }
  const spec = outcome.profile.source === 'builtin' ? value : display(outcome.spec);
  return { scenario: deepFreeze({ ...scenario, profile: spec }), issues: [] };
}

/** A profile named from a scenario in `baseDir` (see resolveProfileReference), or why it is not one. */
export function lookUpProfile(
  value: string,
  baseDir: string,
  display: (file: string) => string,
  cache: ProfileCache,
): Promise<ProfileReference | NetworkError> {
  const key = `${baseDir}\u0000${value}`;
  let pending = cache.get(key);
  if (!pending) {
    pending = resolveProfileReference(value, baseDir, display).catch((error: unknown) => {
      if (error instanceof NetworkError) return error;
      throw error;
    });
    cache.set(key, pending);
  }
  return pending;
}
