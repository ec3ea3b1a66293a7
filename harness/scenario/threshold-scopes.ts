// The scopes of a load's thresholds (`{ threshold, target, profile }`), checked when the scenario is
// loaded: a scope that names no target or no profile would never apply, and a threshold that never
// applies is a typo that passes silently. A target is a kind, a configured target or a URL; a profile
// is 'none', a built-in, or a profile file found from the scenario (as for its own `profile:`).
import { dirname } from 'node:path';
import type { ScenarioIssue } from '../errors.js';
import { entryParts, type ThresholdEntry } from '../load/index.js';
import { NetworkError } from '../network/index.js';
import { isTargetName, TARGET_KINDS } from '../targets/index.js';
import type { YamlSource } from '../validation/index.js';
import { lookUpProfile, type ProfileCache } from './profile.js';
import type { ResolvedScenario } from './types.js';

/** The profile name that means "straight to the target". */
const NO_PROFILE = 'none';

export interface ScopeContext {
  /** Names of the targets the config file defines. */
  targets: readonly string[];
  absoluteFile: string;
  display: (file: string) => string;
  cache: ProfileCache;
}

/** One scope problem: the entry's index, the key, and why. */
export interface ScopeProblem {
  index: number;
  key: 'target' | 'profile';
  message: string;
}

/**
 * The scope problems of a load's threshold entries. `findProfile` says why a profile name is not
 * one (undefined when it is); 'none' never reaches it.
 */
export async function scopeProblems(
  entries: readonly ThresholdEntry[],
  targets: readonly string[],
  findProfile: (name: string) => Promise<string | undefined>,
): Promise<ScopeProblem[]> {
  const problems: ScopeProblem[] = [];
  for (const [index, entry] of entries.entries()) {
    const { target, profile } = entryParts(entry);
    if (target !== undefined && !isTargetName(target, targets)) {
      const configured = targets.length > 0 ? `, configured: ${targets.join(', ')}` : '';
      const message = `unknown target '${target}' (kinds: ${TARGET_KINDS.join(', ')}${configured}; or a URL)`;
      problems.push({ index, key: 'target', message });
    }
    if (profile !== undefined && profile !== NO_PROFILE) {
      const why = await findProfile(profile);
      if (why !== undefined) problems.push({ index, key: 'profile', message: `${why}; or '${NO_PROFILE}'` });
    }
  }
  return problems;
}

export async function checkThresholdScopes(
  scenario: ResolvedScenario,
  source: YamlSource,
  context: ScopeContext,
): Promise<ScenarioIssue[]> {
  const baseDir = dirname(context.absoluteFile);
  const problems = await scopeProblems(scenario.load?.thresholds ?? [], context.targets, async (name) => {
    const found = await lookUpProfile(name, baseDir, context.display, context.cache);
    return found instanceof NetworkError ? found.message : undefined;
  });
  return problems.map(({ index, key, message }) => ({
    file: source.file,
    ...source.at(['load', 'thresholds', index], key),
    path: `load.thresholds[${index}].${key}`,
    message,
  }));
}
