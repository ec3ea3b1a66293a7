// Network profiles during a run: one proxy per target × profile, shared by every scenario and load
// under it and applied once; a scenario's own profile is applied per instance, right before it runs.
// What each profile measured is kept for the result, under the name the run gave the profile.
import { applyProfile, type AppliedProfile } from '../network/index.js';
import type { ProfileCheck, ProfileInfo } from '../result/index.js';
import type { ScenarioInstance } from '../runner/index.js';
import type { Endpoint, StartedTarget } from '../targets/index.js';
import type { PlannedProfile } from './plan.js';

type Link = { applied: AppliedProfile } | { error: string };

/** What one profile measured towards one target. */
export interface ProfileMeasurement {
  target: string;
  profile: string;
  info: ProfileInfo;
}

export class NetworkLinks {
  private readonly shared = new Map<string, Link & { target: string; profile: string }>();
  /** target NUL profile name → what the profile measured (set when a profile closes). */
  private readonly infos = new Map<string, ProfileMeasurement>();

  /** One abort listener for every shared profile (one each would pile up: targets × profiles). */
  private readonly onAbort = (): void => {
    for (const link of this.shared.values()) if ('applied' in link) void link.applied.close();
  };

  constructor(
    private readonly cwd: string,
    private readonly signal: AbortSignal,
  ) {
    signal.addEventListener('abort', this.onAbort, { once: true });
  }

  /** The endpoint through the profile (applied once per target × profile), or why there is none. */
  async endpointFor(
    target: StartedTarget,
    profile: PlannedProfile,
  ): Promise<{ endpoint: Endpoint } | { error: string }> {
    if (profile.resolved === undefined) return { endpoint: target.endpoint };
    const key = infoKey(target.name, profile.name);
    let link = this.shared.get(key);
    if (link === undefined) {
      try {
        this.signal.throwIfAborted();
        const applied = await applyProfile(profile.resolved, target.endpoint, { cwd: this.cwd });
        link = { applied, target: target.name, profile: profile.name };
        if (this.signal.aborted) void applied.close();
      } catch (error) {
        link = { error: profileError(profile.name, error), target: target.name, profile: profile.name };
      }
      this.shared.set(key, link);
    }
    return 'error' in link ? { error: link.error } : { endpoint: link.applied.endpoint };
  }

  /**
   * Starts watching the shared profile between a target and the harness (one load); the function it
   * returns says what the profile did meanwhile. Undefined without a profile.
   */
  async watch(
    target: StartedTarget,
    profile: PlannedProfile,
  ): Promise<(() => Promise<ProfileCheck | undefined>) | undefined> {
    const link = this.shared.get(infoKey(target.name, profile.name));
    if (link === undefined || !('applied' in link)) return undefined;
    try {
      const done = await link.applied.watch();
      return () => done().catch(() => undefined); // the proxy went away (run interrupted)
    } catch {
      return undefined;
    }
  }

  /**
   * How many bytes the shared profile's kernel path still holds (its namespaces' socket queues and
   * relay buffers), for the load's drain: TCP under packet loss can go quiet for seconds while it
   * waits to resend, and data on its way is not lost. Undefined without a kernel part.
   */
  pathInFlight(
    target: StartedTarget,
    profile: PlannedProfile,
  ): (() => Promise<number | undefined>) | undefined {
    const link = this.shared.get(infoKey(target.name, profile.name));
    if (link === undefined || !('applied' in link)) return undefined;
    const kernel = link.applied.kernel;
    return kernel === undefined ? undefined : () => kernel.inFlight();
  }

  /** For an instance whose scenario carries its own profile: applied when the instance starts. */
  prepareFor(target: StartedTarget, profile: PlannedProfile): ScenarioInstance['prepare'] {
    const resolved = profile.resolved;
    if (resolved === undefined) return undefined;
    const key = infoKey(target.name, profile.name);
    return async (signal) => {
      let applied: AppliedProfile;
      try {
        applied = await applyProfile(resolved, target.endpoint, { cwd: this.cwd, signal });
      } catch (error) {
        throw new Error(profileError(profile.name, error), { cause: error });
      }
      return {
        endpoint: applied.endpoint,
        release: async () => {
          await applied.close();
          if (!this.infos.has(key))
            this.infos.set(key, { target: target.name, profile: profile.name, info: applied.info() });
        },
      };
    };
  }

  /** Closes the shared profiles, then keeps their figures (the kernel backend's counters are read on close). */
  async close(): Promise<void> {
    this.signal.removeEventListener('abort', this.onAbort);
    const links = [...this.shared];
    await Promise.allSettled(links.flatMap(([, link]) => ('applied' in link ? [link.applied.close()] : [])));
    for (const [key, link] of links) {
      const info = 'applied' in link ? link.applied.info() : { name: link.profile };
      this.infos.set(key, { target: link.target, profile: link.profile, info });
    }
  }

  /** What every profile measured, per target (after close). */
  measurements(): ProfileMeasurement[] {
    return [...this.infos.values()];
  }
}

function infoKey(target: string, profile: string): string {
  return `${target}\u0000${profile}`;
}

function profileError(name: string, error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  // The network module's messages often name the profile already: say it once.
  return message.includes(`'${name}'`) ? message : `network profile '${name}': ${message}`;
}
