// The proxy backend: a TCP server on 127.0.0.1 that forwards each connection to the upstream endpoint
// through the profile's toxics. No privileges needed.
import { createServer, connect, type Server, type Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import { NetworkError } from './errors.js';
import { ProxiedConnection } from './connection.js';
import { ProxyStats } from './stats.js';
import type { Random } from './distribution.js';
import type { ResolvedProfile } from './schema.js';

export interface ProxyOptions {
  profile: ResolvedProfile;
  upstream: { host: string; port: number };
  listen?: { host?: string; port?: number };
  /** Time MQTT request/answer pairs (plain TCP only; off for TLS/WebSocket). */
  scanMqtt?: boolean;
  random?: Random;
  /** How to reach the upstream (the kernel backend passes connections through its namespaces). */
  connectUpstream?: (client: Socket) => Socket;
  connectTimeoutMs?: number;
  /** Sees each proxied connection's two sockets before any byte passes (`harness record` listens on them). */
  onConnection?: (client: Socket, upstream: Socket) => void;
}

export interface RunningProxy {
  host: string;
  port: number;
  stats: ProxyStats;
  /** Connections open right now. */
  readonly openConnections: number;
  close(): Promise<void>;
}

export async function startTcpProxy(options: ProxyOptions): Promise<RunningProxy> {
  const stats = new ProxyStats();
  const startedAt = performance.now();
  const random = options.random ?? Math.random;
  const connections = new Set<ProxiedConnection>();
  const connectTimeoutMs = options.connectTimeoutMs ?? 10_000;
  const server: Server = createServer({ allowHalfOpen: true, noDelay: true }, (client) => {
    client.setNoDelay(true);
    stats.addConnection();
    const upstream =
      options.connectUpstream?.(client) ??
      connect({
        host: options.upstream.host,
        port: options.upstream.port,
        allowHalfOpen: true,
        noDelay: true,
      });
    upstream.setTimeout(connectTimeoutMs, () => upstream.destroy(new Error('upstream connect timeout')));
    upstream.once('connect', () => upstream.setTimeout(0));
    options.onConnection?.(client, upstream);
    const connection = new ProxiedConnection({
      client,
      upstream,
      toxics: options.profile.toxics,
      startedAt,
      random,
      stats,
      scanMqtt: options.scanMqtt ?? true,
      onClosed: () => connections.delete(connection),
    });
    connections.add(connection);
  });
  const host = options.listen?.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', (error) =>
      reject(
        new NetworkError(
          'PROXY_LISTEN_FAILED',
          `proxy cannot listen on ${host}:${options.listen?.port ?? 0}: ${error.message}`,
        ),
      ),
    );
    server.listen(options.listen?.port ?? 0, host, () => resolve());
  });
  const address = server.address();
  if (address === null || typeof address === 'string')
    throw new NetworkError('PROXY_LISTEN_FAILED', 'no address');
  let closing: Promise<void> | undefined;
  return {
    host,
    port: address.port,
    stats,
    get openConnections() {
      return connections.size;
    },
    close() {
      closing ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const connection of [...connections]) connection.destroy();
      });
      return closing;
    },
  };
}
