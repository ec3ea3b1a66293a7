// TLS listener (mqtts://). The certificate and key come from the config as PEM text or bytes.
import { createServer } from 'node:tls';
import type { Socket } from 'node:net';
import { closeServer, DEFAULT_HOST, formatHost, listen, SocketTracker } from './net-server.js';
import { remote } from './tcp.js';
import type { ConnectionHandler, RunningListener, TlsListenerConfig, TlsMaterial } from './types.js';
import type { SecureContextOptions } from 'node:tls';

export function tlsOptions(material: TlsMaterial): SecureContextOptions & { requestCert?: boolean } {
  return {
    cert: material.cert,
    key: material.key,
    ...(material.ca === undefined ? {} : { ca: material.ca }),
    ...(material.requestCert === undefined ? {} : { requestCert: material.requestCert }),
  };
}

export async function startTlsListener(
  config: TlsListenerConfig,
  onConnection: ConnectionHandler,
): Promise<RunningListener> {
  const tracker = new SocketTracker();
  const server = createServer(tlsOptions(config), (socket) => {
    socket.setNoDelay(true);
    onConnection(socket, { ...remote(socket.remoteAddress), transport: 'tls' });
  });
  // Track raw sockets from the start so a handshake in progress is also ended by close().
  server.on('connection', (socket: Socket) => tracker.add(socket));
  // A failed handshake is the client's problem: drop the socket, keep serving.
  server.on('tlsClientError', (_error, socket) => socket.destroy());
  const bound = await listen(server, config.host ?? DEFAULT_HOST, config.port ?? 0);
  return {
    address: {
      type: 'tls',
      host: bound.address,
      port: bound.port,
      url: `mqtts://${formatHost(bound.address)}:${bound.port}`,
    },
    close: () => closeServer(server, tracker),
  };
}
