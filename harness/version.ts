// The tool's version: the `version` of the mqtt-harness package.json, read once. Every command, the
// result model (`RunResult.tool`) and `harness --version` take it from here.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

let cached: string | undefined;

export function toolVersion(): string {
  if (cached !== undefined) return cached;
  // Walk up from this file: harness/ in the sources, dist/harness/ when built.
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let depth = 0; depth < 4; depth++) {
    const version = readVersion(join(dir, 'package.json'));
    if (version !== undefined) return (cached = version);
    dir = dirname(dir);
  }
  return (cached = '0.0.0');
}

function readVersion(file: string): string | undefined {
  try {
    const pkg = JSON.parse(readFileSync(file, 'utf8')) as { name?: unknown; version?: unknown };
    return pkg.name === 'mqtt-harness' && typeof pkg.version === 'string' ? pkg.version : undefined;
  } catch {
    return undefined; // no package.json here: try the parent directory
  }
}
