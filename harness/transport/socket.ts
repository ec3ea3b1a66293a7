// TCP and TLS connections (node:net / node:tls). A peer FIN shows as 'fin', ECONNRESET as 'reset'.
import * as net from 'node:net';
import * as tls from 'node:tls';
import { TransportError } from '../errors.js';
import type { Endpoint } from '../targets/types.js';
import { ConnectionEvents, describeError, isReset } from './base.js';
import type { ConnectOptions, Connection } from './types.js';

export function openSocket(endpoint: Endpoint, options: ConnectOptions): Promise<Connection> {
  const timeoutMs = options.timeoutMs ?? 5000;
  return new Promise<Connection>((resolve, reject) => {
    if (options.signal?.aborted) {
      reject(new TransportError('aborted', 'connect aborted'));
      return;
    }
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
    let settled = false;
    let localClose = false;
    const timer = setTimeout(
      () => fail('timeout', `connect to ${endpoint.host}:${endpoint.port} timed out after ${timeoutMs} ms`),
      timeoutMs,
    );
    const onAbort = (): void => fail('aborted', 'connect aborted');
    options.signal?.addEventListener('abort', onAbort, { once: true });

    function fail(reason: string, message: string, cause?: unknown): void {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      options.signal?.removeEventListener('abort', onAbort);
      socket.destroy();
      reject(new TransportError(reason, message, { cause }));
    }

    socket.once(secure ? 'secureConnect' : 'connect', () => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      options.signal?.removeEventListener('abort', onAbort);
      resolve(connection);
    });
    socket.on('data', (chunk: Buffer) => events.data(chunk));
    socket.on('end', () => events.close({ kind: 'fin' }));
    socket.on('error', (error) => {
      if (!settled) {
        const code = (error as NodeJS.ErrnoException).code;
        const reason = code === 'ECONNREFUSED' ? 'refused' : secure ? 'tls' : 'error';
        fail(reason, `connect to ${endpoint.host}:${endpoint.port} failed: ${describeError(error)}`, error);
        return;
      }
      events.close({ kind: isReset(error) ? 'reset' : 'error', error: describeError(error) });
    });
    socket.on('close', () => events.close({ kind: localClose ? 'local' : 'fin' }));

    const connection: Connection = {
      transport: endpoint.transport,
      write(data) {
        if (!socket.destroyed && socket.writable) socket.write(data);
      },
      onData: (listener) => events.onData(listener),
      onClose: (listener) => events.onClose(listener),
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
      get closed() {
        return events.closed;
      },
    };
  });
}
