// What a failure says about a harness-started broker that stopped during a run: how it ended (exit
// code or signal) and the last lines of its log.
import type { StartedTarget } from './types.js';

export const LOG_TAIL_LINES = 20;

/** 'target 'x' stopped (killed by SIGKILL)' plus the last lines of its output, if it kept any. */
export function describeStoppedTarget(target: StartedTarget, lines = LOG_TAIL_LINES): string {
  const how = target.exitReason?.();
  const head = `target '${target.name}' stopped${how === undefined ? '' : ` (${how})`}`;
  const output = lastLines(target.output?.() ?? '', lines);
  return output === '' ? head : `${head}\n--- last lines of the broker's log ---\n${output}`;
}

/** The last `count` non-empty lines of `text`. */
export function lastLines(text: string, count: number): string {
  return text
    .split('\n')
    .map((line) => line.trimEnd())
    .filter((line) => line !== '')
    .slice(-count)
    .join('\n');
}
