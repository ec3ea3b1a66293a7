// TCP and TLS connections (node:net / node:tls). A peer FIN shows as 'fin', ECONNRESET as 'reset'.
import * as net from 'node:net';
import * as tls from 'node:tls';
import type { Endpoint } from '../targets/index.js';
import { ConnectionEvents, connectionOf, connectWithin, describeError, isReset } from './base.js';
import type { ConnectOptions, Connection } from './types.js';

export function openSocket(endpoint: Endpoint, options: ConnectOptions): Promise<Connection> {
  const where = `${endpoint.host}:${endpoint.port}`;
  return connectWithin(
    options,
    (timeoutMs) => `connect to ${where} timed out after ${timeoutMs} ms`,
    (attempt) => {
      const secure = endpoint.transport === 'tls';
      const socket: net.Socket = secure
        ? tls.connect({
            host: endpoint.host,
            port: endpoint.port,
            ...(endpoint.tls?.ca && { ca: endpoint.tls.ca }),
            ...(endpoint.tls?.cert && { cert: endpoint.tls.cert }),
            ...(endpoint.tls?.key && { key: endpoint.tls.key }),
            rejectUnauthorized: endpoint.tls?.rejectUnauthorized ?? true,
            servername: endpoint.tls?.servername ?? (net.isIP(endpoint.host) ? '' : endpoint.host),
          })
        : net.connect({ host: endpoint.host, port: endpoint.port });
      socket.setNoDelay(true);
      const events = new ConnectionEvents();
      let localClose = false;

      socket.once(secure ? 'secureConnect' : 'connect', () => attempt.succeed(connection));
      socket.on('data', (chunk: Buffer) => events.data(chunk));
      socket.on('end', () => events.close({ kind: 'fin' }));
      socket.on('error', (error) => {
        if (!attempt.settled) {
          const code = (error as NodeJS.ErrnoException).code;
          const reason = code === 'ECONNREFUSED' ? 'refused' : secure ? 'tls' : 'error';
          attempt.fail(reason, `connect to ${where} failed: ${describeError(error)}`, error);
          return;
        }
        events.close({ kind: isReset(error) ? 'reset' : 'error', error: describeError(error) });
      });
      socket.on('close', () => events.close({ kind: localClose ? 'local' : 'fin' }));

      const connection = connectionOf(endpoint.transport, events, {
        write(data) {
          if (!socket.destroyed && socket.writable) socket.write(data);
        },
        end() {
          localClose = true;
          socket.end();
          // The peer may never answer our FIN: do not keep the socket forever.
          setTimeout(() => socket.destroy(), 2000).unref();
        },
        destroy() {
          localClose = true;
          socket.destroy();
        },
      });
      return () => socket.destroy();
    },
  );
}
