// Plain TCP listener (mqtt://).
import { createServer } from 'node:net';
import { closeServer, DEFAULT_HOST, formatHost, listen, SocketTracker } from './net-server.js';
import type { ConnectionHandler, RunningListener, TcpListenerConfig } from './types.js';

/**
 * Accept queue length asked of the kernel (capped there by net.core.somaxconn). Node's default
 * (511) overflows under a connection storm of a few thousand connects per second: the kernel then
 * drops SYNs and clients wait for retransmits or give up.
 */
export const DEFAULT_TCP_BACKLOG = 4096;

export async function startTcpListener(
  config: TcpListenerConfig & { backlog?: number },
  onConnection: ConnectionHandler,
): Promise<RunningListener> {
  const tracker = new SocketTracker();
  // noDelay set by the server on accept (no per-socket call from JS).
  const server = createServer({ noDelay: true }, (socket) => {
    tracker.add(socket);
    onConnection(socket, { ...remote(socket.remoteAddress), transport: 'tcp' });
  });
  const bound = await listen(
    server,
    config.host ?? DEFAULT_HOST,
    config.port ?? 0,
    config.backlog ?? DEFAULT_TCP_BACKLOG,
  );
  return {
    address: {
      type: 'tcp',
      host: bound.address,
      port: bound.port,
      url: `mqtt://${formatHost(bound.address)}:${bound.port}`,
    },
    close: () => closeServer(server, tracker),
  };
}

export function remote(address: string | undefined): { remoteAddress?: string } {
  return address === undefined ? {} : { remoteAddress: address };
}
