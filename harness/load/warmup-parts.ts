// The warm-up as several executor runs back to back. The measured schedule is one more run of the
// executor, and what each new run brings (the executor's new closures, its promise's resolve, on
// which V8 specialized call sites in the optimized send path) used to deoptimize that path at the
// measured start and have it compiled again inside the measured window (docs/load.md, Accuracy).
// A call site that meets a new function in every run deoptimizes at its first and second change
// and is generic after: with three warm-up runs both changes fall in the warm-up.
import type { Executor, Warmup } from './executors/types.js';

/** Shares of the warm-up, tried in order: the first whose parts keep the warm-up's message count. */
const SPLITS = [
  [0.25, 0.25, 0.5],
  [0.5, 0.5],
] as const;

/**
 * The warm-up's parts, each a warm-up of the executor's own (start offset = the sum of the parts
 * before it). Parts must add up to the same messages as the whole (a share of a schedule at a rate
 * that does not divide it evenly rounds down): otherwise the next split is tried, and at last the
 * whole warm-up as one run. An open-ended model (no message count) is split in halves.
 */
export function warmupParts(executor: Executor, section: object, whole: Warmup<unknown>): Warmup<unknown>[] {
  const intended = executor.plan(whole.section).intended;
  for (const shares of intended === undefined ? SPLITS.slice(1) : SPLITS) {
    const parts = shares.map((share) => executor.warmup({ ...section, warmup: whole.durationMs * share }));
    if (parts.some((part) => part === undefined)) continue;
    const defined = parts as Warmup<unknown>[];
    const counts = defined.map((part) => executor.plan(part.section).intended ?? 0);
    if (intended === undefined || counts.reduce((sum, count) => sum + count, 0) === intended) return defined;
  }
  return [whole];
}
