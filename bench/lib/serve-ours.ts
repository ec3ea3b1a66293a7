// Child process for the benchmark: our broker on 127.0.0.1:PORT, $SYS off, default limits.
import { startBroker } from '../../broker/index.js';

const port = Number(process.argv[2] ?? 0);
const running = await startBroker({
  listeners: [{ type: 'tcp', host: '127.0.0.1', port }],
  sysIntervalMs: 0,
});
process.stdout.write(`ready ${running.address.port}\n`);
const stop = (): void => void running.close().then(() => process.exit(0));
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
