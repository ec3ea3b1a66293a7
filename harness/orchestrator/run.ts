// runHarness: plan → execute → assemble, then the reporters' onEnd with the canonical result.
// Every command that runs something (run, bench) goes through here.
import { diffRun } from '../diff/index.js';
import { assembleResult } from '../result/index.js';
import type { RunResult } from '../result/index.js';
import { toolVersion } from '../version.js';
import { executePlan } from './execute.js';
import type { HarnessOptions } from './options.js';
import { planRun } from './plan.js';

export async function runHarness(options: HarnessOptions = {}): Promise<RunResult> {
  const plan = await planRun(options); // throws a coded HarnessError before anything starts
  const execution = await executePlan(plan);
  const assembled = assembleResult({
    toolVersion: toolVersion(),
    ...execution,
    profiles: plan.resultProfiles,
  });
  // A differential run compares the assembled scenario results: a pure function of them.
  const result = plan.diff ? { ...assembled, diff: diffRun(assembled, plan.diff) } : assembled;
  await plan.reporter.onEnd?.(result);
  return result;
}
