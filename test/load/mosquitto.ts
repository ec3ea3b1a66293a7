// Test helper: the product's Mosquitto target (system binary, generated config, free loopback port),
// tuned for load runs. Its pid lets the engine sample CPU/RSS and lets a test SIGSTOP the broker.
import { startTarget, type StartedTarget } from '../../harness/targets/index.js';

/** Load-test settings appended to the target's generated config. */
const LOAD_CONFIG = [
  'max_queued_messages 0',
  'max_connections -1',
  'set_tcp_nodelay true',
  'connection_messages false', // thousands of clients: keep the captured output for errors
];

export async function startMosquitto(): Promise<StartedTarget> {
  const target = await startTarget(
    { kind: 'mosquitto', options: { config: LOAD_CONFIG.join('\n') } },
    { cwd: process.cwd() },
  );
  const stop = target.stop.bind(target);
  // A test may have left the broker SIGSTOPped: resume it so that SIGTERM is acted on at once.
  target.stop = async () => {
    if (target.pid !== undefined && target.isAlive()) {
      try {
        process.kill(target.pid, 'SIGCONT');
      } catch {
        // it exited in between: nothing to resume
      }
    }
    await stop();
  };
  return target;
}
