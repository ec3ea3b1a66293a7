// Configured instances of the run's targets: a scenario with `settings:` runs against an extra
// instance of its target started with those settings (one per target and distinct settings, started
// when first needed, each with its own temp dir for config files, all stopped at the end). A target
// kind that cannot honour the settings yields a skip reason instead of an instance.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { settingsKey, startTarget, TargetError, type TargetSettings } from '../targets/index.js';
import type { StartedTarget } from '../targets/index.js';
import type { RunPlan } from './plan.js';
import type { TargetEntry } from './targets.js';

export type Variant = { target: StartedTarget } | { skip: string } | { error: string };

interface Started {
  variant: Variant;
  dir: string;
}

export class TargetVariants {
  private readonly started = new Map<string, Promise<Started>>();

  constructor(private readonly plan: RunPlan) {}

  /** The instance of `entry`'s target configured with `settings` (started on first request). */
  async for(entry: TargetEntry, settings: TargetSettings): Promise<Variant> {
    const key = `${entry.planned.name}\u0000${settingsKey(settings)}`;
    let started = this.started.get(key);
    if (started === undefined) {
      started = this.start(entry, settings);
      this.started.set(key, started);
    }
    return (await started).variant;
  }

  private async start(entry: TargetEntry, settings: TargetSettings): Promise<Started> {
    const dir = await mkdtemp(join(tmpdir(), 'mh-settings-'));
    try {
      const target = await startTarget(entry.planned.spec, {
        cwd: this.plan.cwd,
        signal: this.plan.signal,
        config: this.plan.settings,
        settings: { values: settings, dir },
        ...(this.plan.settings.brokerCpus === null ? {} : { cpus: this.plan.settings.brokerCpus }),
      });
      return { variant: { target }, dir };
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      const skip = error instanceof TargetError && error.reason === 'settings-unsupported';
      return {
        variant: skip ? { skip: `target '${entry.planned.name}': ${message}` } : { error: message },
        dir,
      };
    }
  }

  async stopAll(): Promise<void> {
    const all = await Promise.all(this.started.values());
    await Promise.allSettled(
      all.map(async ({ variant, dir }) => {
        if ('target' in variant) await variant.target.stop();
        await rm(dir, { recursive: true, force: true });
      }),
    );
  }
}
