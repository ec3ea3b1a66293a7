// The reference broker in a process of its own (`node bin/harness.js broker` on a free port), for
// loads: embedded, it shares the harness's event loop with the load generator, so its figures would
// carry the generator's work (a connection storm of 3,000 at 1,000/s: CONNACK p50 83 ms embedded
// against 1.1 ms in its own process, Mosquitto 1.8 ms, same machine, same run). The `harness bench`
// command starts `reference` this way; a configured target asks for it with `process: true`.
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startCommandTarget, type CommandOptions } from './command.js';
import { TargetError } from './errors.js';
import type { StartContext } from './kind.js';
import type { StartedTarget, TargetConfig } from './types.js';

/** The reference target started in its own process (an inline spec named `reference`). */
export const REFERENCE_PROCESS: TargetConfig = { kind: 'reference', options: { process: true } };

export function referenceProcessCommand(): CommandOptions {
  return {
    command: process.execPath,
    args: [
      join(projectRoot(), 'bin', 'harness.js'),
      'broker',
      '--host',
      '{{host}}',
      '--port',
      '{{port}}',
      '--log-level',
      'warn',
    ],
    env: { NODE_OPTIONS: '' }, // no tsx loader or inspector inherited by the broker process
    versionArgs: ['--version'],
    capabilities: ['mqtt-3.1.1', 'mqtt-5.0'],
  };
}

export async function startReferenceProcess(
  name: string,
  optionKeys: readonly string[],
  context: StartContext,
): Promise<StartedTarget> {
  const others = optionKeys.filter((key) => key !== 'process');
  if (others.length > 0) {
    // The process reads its settings from the command line and a config file; the broker options
    // of an embedded target (mutations, hooks, listeners) do not cross that boundary.
    throw new TargetError(
      'options-invalid',
      `reference target '${name}': 'process: true' takes no other options (got ${others.join(', ')}); ` +
        "run 'harness broker --config FILE' and target its URL for a configured broker",
    );
  }
  return startCommandTarget(name, referenceProcessCommand(), context, { kind: 'reference' });
}

function projectRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'bin', 'harness.js'))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error('cannot find bin/harness.js above the reference target');
    dir = parent;
  }
  return dir;
}
