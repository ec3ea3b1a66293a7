// The scopes of a load's thresholds (`{ threshold, target, profile }`), checked when the scenario is
// loaded: a scope that names no target or no profile would never apply, and a threshold that never
// applies is a typo that passes silently. A target is a kind, a configured target or a URL; a profile
// is 'none', a built-in, or a profile file found from the scenario (as for its own `profile:`).
import { dirname } from 'node:path';
import type { ScenarioIssue } from '../errors.js';
import { entryParts } from '../load/index.js';
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

export async function checkThresholdScopes(
  scenario: ResolvedScenario,
  source: YamlSource,
  context: ScopeContext,
): Promise<ScenarioIssue[]> {
  const issues: ScenarioIssue[] = [];
  for (const [index, entry] of (scenario.load?.thresholds ?? []).entries()) {
    const { target, profile } = entryParts(entry);
    const at = (key: string, message: string): ScenarioIssue => ({
      file: source.file,
      ...source.at(['load', 'thresholds', index], key),
      path: `load.thresholds[${index}].${key}`,
      message,
    });
    if (target !== undefined && !isTargetName(target, context.targets)) {
      const configured = context.targets.length > 0 ? `, configured: ${context.targets.join(', ')}` : '';
      issues.push(
        at('target', `unknown target '${target}' (kinds: ${TARGET_KINDS.join(', ')}${configured}; or a URL)`),
      );
    }
    if (profile !== undefined && profile !== NO_PROFILE) {
      const found = await lookUpProfile(
        profile,
        dirname(context.absoluteFile),
        context.display,
        context.cache,
      );
      if (found instanceof NetworkError) issues.push(at('profile', `${found.message}; or '${NO_PROFILE}'`));
    }
  }
  return issues;
}
