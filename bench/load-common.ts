// Shared by the load benchmarks: a peer broker process (bench/lib) seen as a StartedTarget, so the
// engine samples its CPU and RSS through /proc/<pid>.
import type { PeerBroker } from './lib/mosquitto.js';
import type { StartedTarget } from '../harness/targets/types.js';

export function asTarget(peer: PeerBroker): StartedTarget {
  return {
    name: peer.name,
    kind: peer.name,
    endpoint: { transport: 'tcp', host: peer.host, port: peer.port },
    url: `mqtt://${peer.host}:${peer.port}`,
    capabilities: new Set(),
    knownDeviations: [],
    ...(peer.pid === undefined ? {} : { pid: peer.pid }),
    isAlive: () => true,
    stop: () => peer.close(),
  };
}

export const log = (line: string): void => void process.stderr.write(`${line}\n`);

export function mib(bytes: number): string {
  return `${(bytes / 1048576).toFixed(1)} MiB`;
}
