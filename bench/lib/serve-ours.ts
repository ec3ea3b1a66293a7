// Child process for the benchmarks: our broker as shipped (the compiled dist/, not the TypeScript
// sources through a loader, which adds per-function overhead) on 127.0.0.1:PORT, $SYS off, default
// limits unless a JSON object of StartBrokerOptions follows the port (e.g. a password file).
import { statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { StartBrokerOptions } from '../../broker/index.js';
import { newestSource } from './fresh-build.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const built = `${root}dist/broker/index.js`;
const source = [newestSource(`${root}broker`), newestSource(`${root}wire`)].reduce((a, b) =>
  a.mtimeMs >= b.mtimeMs ? a : b,
);
let builtAt = 0;
try {
  builtAt = statSync(built).mtimeMs;
} catch {
  // missing: reported below
}
if (builtAt < source.mtimeMs) {
  process.stderr.write(`dist/ is older than ${source.path} (or missing): run npm run build first\n`);
  process.exit(2);
}
const { startBroker } = (await import(built)) as typeof import('../../broker/index.js');

const port = Number(process.argv[2] ?? 0);
const extra = JSON.parse(process.argv[3] ?? '{}') as StartBrokerOptions;
const running = await startBroker({
  sysIntervalMs: 0,
  ...extra,
  listeners: [{ type: 'tcp', host: '127.0.0.1', port }],
});
process.stdout.write(`ready ${running.address.port}\n`);
// Under --expose-gc (the soak bench): SIGUSR2 collects garbage and reports the live heap, so a leak
// shows as a rising line rather than hiding in the steps by which V8 grows its heap.
const collect = (globalThis as { gc?: () => void }).gc;
if (collect !== undefined) {
  process.on('SIGUSR2', () => {
    collect();
    collect();
    const { heapUsed, arrayBuffers, rss } = process.memoryUsage();
    process.stdout.write(`memory ${JSON.stringify({ heapUsed, arrayBuffers, rss })}\n`);
  });
}
const stop = (): void => void running.close().then(() => process.exit(0));
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
