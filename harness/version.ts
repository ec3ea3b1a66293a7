// The tool's version. Every command, the result model (`RunResult.tool`) and `harness --version`
// take it from here; the package version itself has one home, broker/version.ts (the broker
// announces the same version in $SYS).
import { packageVersion } from '../broker/index.js';

export function toolVersion(): string {
  return packageVersion();
}
