// WebSocket connections (ws / wss) with the 'mqtt' subprotocol; MQTT bytes travel in binary frames.
import WebSocket from 'ws';
import { TransportError } from '../errors.js';
import type { Endpoint } from '../targets/types.js';
import { ConnectionEvents, describeError } from './base.js';
import type { ConnectOptions, Connection } from './types.js';

export function openWebSocket(endpoint: Endpoint, options: ConnectOptions): Promise<Connection> {
  const timeoutMs = options.timeoutMs ?? 5000;
  const scheme = endpoint.transport === 'wss' ? 'wss' : 'ws';
  const host = endpoint.host.includes(':') ? `[${endpoint.host}]` : endpoint.host;
  const url = `${scheme}://${host}:${endpoint.port}${endpoint.path ?? '/mqtt'}`;
  return new Promise<Connection>((resolve, reject) => {
    if (options.signal?.aborted) {
      reject(new TransportError('aborted', 'connect aborted'));
      return;
    }
    const socket = new WebSocket(url, 'mqtt', {
      handshakeTimeout: timeoutMs,
      ...(endpoint.tls?.ca && { ca: endpoint.tls.ca }),
      ...(endpoint.tls?.cert && { cert: endpoint.tls.cert }),
      ...(endpoint.tls?.key && { key: endpoint.tls.key }),
      rejectUnauthorized: endpoint.tls?.rejectUnauthorized ?? true,
    });
    socket.binaryType = 'nodebuffer';
    const events = new ConnectionEvents();
    let settled = false;
    let localClose = false;
    let lastError: string | undefined;
    const timer = setTimeout(
      () => fail('timeout', `WebSocket connect to ${url} timed out after ${timeoutMs} ms`),
      timeoutMs,
    );
    const onAbort = (): void => fail('aborted', 'connect aborted');
    options.signal?.addEventListener('abort', onAbort, { once: true });

    function fail(reason: string, message: string, cause?: unknown): void {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      options.signal?.removeEventListener('abort', onAbort);
      socket.terminate();
      reject(new TransportError(reason, message, { cause }));
    }

    socket.once('open', () => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      options.signal?.removeEventListener('abort', onAbort);
      resolve(connection);
    });
    socket.on('message', (data: Buffer | ArrayBuffer | Buffer[]) => {
      events.data(
        Array.isArray(data) ? Buffer.concat(data) : Buffer.isBuffer(data) ? data : Buffer.from(data),
      );
    });
    socket.on('error', (error) => {
      lastError = describeError(error);
      if (!settled) {
        fail('websocket', `WebSocket connect to ${url} failed: ${lastError}`, error);
      }
    });
    socket.on('unexpected-response', (_request, response) => {
      fail('websocket', `WebSocket upgrade to ${url} refused: HTTP ${response.statusCode ?? '?'}`);
    });
    socket.on('close', (code: number) => {
      if (localClose) events.close({ kind: 'local' });
      else if (code === 1006)
        events.close({ kind: 'reset', error: lastError ?? 'connection lost without a close frame' });
      else events.close({ kind: 'fin' });
    });

    const connection: Connection = {
      transport: endpoint.transport,
      write(data) {
        if (socket.readyState === WebSocket.OPEN) socket.send(data, { binary: true });
      },
      onData: (listener) => events.onData(listener),
      onClose: (listener) => events.onClose(listener),
      end() {
        localClose = true;
        socket.close(1000);
        setTimeout(() => socket.terminate(), 2000).unref();
      },
      destroy() {
        localClose = true;
        socket.terminate();
      },
      get closed() {
        return events.closed;
      },
    };
  });
}
