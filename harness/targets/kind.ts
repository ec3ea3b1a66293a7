// What each target kind file exports: a definition that also validates its own options.
import type { TSchema, Static } from '@sinclair/typebox';
import { checkValue, formatIssue } from '../validation/index.js';
import { CAPABILITIES } from '../vocabulary.js';
import { TargetError } from './errors.js';
import type { Configured, TargetSettings } from './settings.js';
import type { Capability, StartedTarget } from './types.js';

/** Every capability: what a target supports when nothing narrows it. */
export const ALL_CAPABILITIES: readonly Capability[] = CAPABILITIES;

export interface StartContext {
  /** Directory that relative paths in the options refer to. */
  baseDir: string;
  signal?: AbortSignal | undefined;
  /** The CPUs the broker process runs on (a checked Linux CPU list); every spawn passes it on. */
  cpus?: string | undefined;
}

/** One path for every kind: parseOptions → preflight (in the plan) → startWith (in the execution). */
export interface TargetKind<Options> {
  kind: string;
  /** Checks raw options; throws TargetError 'options-invalid' listing every problem. */
  parseOptions(raw: Record<string, unknown>, context: StartContext): Options;
  /** Cheap checks before anything starts (is the binary installed?); throws TargetError. */
  preflight?(options: Options, context: StartContext): Promise<void>;
  /**
   * The options of an instance running with `settings` (scenario `settings:`), config files written
   * into `dir` (removed after the instance stops); or why this kind cannot honour them. A kind
   * without it runs no scenario that needs settings (those are skipped with the reason).
   */
  configure?(options: Options, settings: TargetSettings, dir: string): Promise<Configured<Options>>;
  /**
   * Why a target with these options cannot be pinned to CPUs (it runs in no process of its own the
   * harness starts); undefined when it can. A kind without it spawns its broker through process.ts.
   */
  unpinnable?(options: Options): string | undefined;
  /** Starts (or reaches) the broker; relative paths in the options are relative to `context.baseDir`. */
  startWith(name: string, options: Options, context: StartContext): Promise<StartedTarget>;
}

export function parseWithSchema<S extends TSchema>(kind: string, schema: S, raw: unknown): Static<S> {
  const checked = checkValue(schema, raw, { at: ['options'] });
  if (checked.value === undefined) {
    const lines = checked.issues.map(formatIssue).join('\n  ');
    throw new TargetError('options-invalid', `invalid options for a '${kind}' target:\n  ${lines}`);
  }
  return checked.value;
}

export function throwIfAborted(signal: AbortSignal | undefined, what: string): void {
  if (signal?.aborted) throw new TargetError('aborted', `${what}: aborted`);
}
