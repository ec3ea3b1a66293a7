// Plain TCP listener (mqtt://).
import { createServer } from 'node:net';
import { closeServer, DEFAULT_HOST, formatHost, listen, SocketTracker } from './net-server.js';
import type { ConnectionHandler, RunningListener, TcpListenerConfig } from './types.js';

export async function startTcpListener(
  config: TcpListenerConfig,
  onConnection: ConnectionHandler,
): Promise<RunningListener> {
  const tracker = new SocketTracker();
  const server = createServer((socket) => {
    tracker.add(socket);
    socket.setNoDelay(true);
    onConnection(socket, { ...remote(socket.remoteAddress), transport: 'tcp' });
  });
  const bound = await listen(server, config.host ?? DEFAULT_HOST, config.port ?? 0);
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
