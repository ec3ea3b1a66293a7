// The broker under test. Normally our broker (startBroker, in-process, real TCP on a free port).
// BROKER_UNDER_TEST=mosquitto runs the feature tests against Mosquitto instead, to check the tests
// themselves (tests that need our own options skip themselves there with a visible reason).
import type { RunningBroker, StartBrokerOptions } from '../../../../broker/index.js';
import { startMosquitto } from '../../../../bench/lib/mosquitto.js';

export const UNDER_TEST = process.env['BROKER_UNDER_TEST'] === 'mosquitto' ? 'mosquitto' : 'ours';
export const isOurs = UNDER_TEST === 'ours';

export interface Target {
  host: string;
  port: number;
  url: string;
  /** Present for our broker only. */
  running?: RunningBroker;
  close(): Promise<void>;
}

export async function startTarget(options: StartBrokerOptions = {}): Promise<Target> {
  if (UNDER_TEST === 'mosquitto') {
    const peer = await startMosquitto();
    return {
      host: peer.host,
      port: peer.port,
      url: `mqtt://${peer.host}:${peer.port}`,
      close: () => peer.close(),
    };
  }
  // imported lazily so BROKER_UNDER_TEST=mosquitto works while the broker itself does not load
  const { startBroker } = await import('../../../../broker/index.js');
  const running = await startBroker({ sysIntervalMs: 0, ...options });
  const { host, port } = running.address;
  return { host, port, url: `mqtt://${host}:${port}`, running, close: () => running.close() };
}
