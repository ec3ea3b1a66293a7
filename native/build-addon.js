// Builds the precise-timer addon (native/precise-timer) with node-gyp. Run by `npm run build:native`
// and by `prepare` (npm ci). A failed build is not an error: the load engine then wakes its send
// schedule with the pure-TypeScript wait-thread timer (docs/load.md), and this says why.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const addon = join(dirname(fileURLToPath(import.meta.url)), 'precise-timer');
if (process.platform !== 'linux') {
  process.stderr.write(
    'build-addon: the precise timer is Linux-only (timerfd); using the wait-thread timer\n',
  );
  process.exit(0);
}
// node-gyp: the one npm names while running a script, else the one npm ships.
const prefix = dirname(dirname(process.execPath));
const bundled = join(prefix, 'lib', 'node_modules', 'npm', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js');
const gyp = process.env.npm_config_node_gyp ?? bundled;
// The running Node's own headers when installed (no download: CI and this machine are offline).
const headers = existsSync(join(prefix, 'include', 'node', 'node_api.h')) ? [`--nodedir=${prefix}`] : [];
const result = existsSync(gyp)
  ? spawnSync(process.execPath, [gyp, 'rebuild', ...headers], { cwd: addon, encoding: 'utf8' })
  : undefined;
if (result === undefined || result.status !== 0) {
  const why =
    result === undefined
      ? `node-gyp not found (${gyp})`
      : (result.stderr || result.stdout).trim().split('\n').slice(-5).join('\n  ');
  process.stderr.write(
    `build-addon: the precise-timer addon was not built; using the wait-thread timer\n  ${why}\n`,
  );
} else {
  process.stderr.write('build-addon: native/precise-timer built\n');
}
