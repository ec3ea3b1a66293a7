// The broker's version string for $SYS/broker/version: the package version, found by walking up
// from this file to package.json (works from the sources and from dist/).
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

let cached: string | undefined;

export function brokerVersion(): string {
  if (cached !== undefined) return cached;
  cached = 'mqtt-harness broker (unknown version)';
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 5; i++) {
    try {
      const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as {
        name?: string;
        version?: string;
      };
      if (pkg.version !== undefined) {
        cached = `${pkg.name ?? 'mqtt-harness'} broker ${pkg.version}`;
        break;
      }
    } catch {
      // not here: try the parent directory
    }
    dir = dirname(dir);
  }
  return cached;
}
