// The package's version: the `version` of the mqtt-harness package.json, read once. This is its
// one home: the broker announces it in $SYS/broker/version, and the harness (harness/version.ts)
// takes its tool version from here through broker/index.ts.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

let cached: string | undefined;

export function packageVersion(): string {
  if (cached !== undefined) return cached;
  // Walk up from this file: broker/ in the sources, dist/broker/ when built.
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let depth = 0; depth < 4; depth++) {
    const version = readVersion(join(dir, 'package.json'));
    if (version !== undefined) return (cached = version);
    dir = dirname(dir);
  }
  return (cached = '0.0.0');
}

/** The broker's version string for $SYS/broker/version. */
export function brokerVersion(): string {
  return `mqtt-harness broker ${packageVersion()}`;
}

function readVersion(file: string): string | undefined {
  try {
    const pkg = JSON.parse(readFileSync(file, 'utf8')) as { name?: unknown; version?: unknown };
    return pkg.name === 'mqtt-harness' && typeof pkg.version === 'string' ? pkg.version : undefined;
  } catch {
    return undefined; // no package.json here: try the parent directory
  }
}
