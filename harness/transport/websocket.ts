// WebSocket connections (ws / wss) with the 'mqtt' subprotocol; MQTT bytes travel in binary frames.
import WebSocket from 'ws';
import type { Endpoint } from '../targets/index.js';
import { ConnectionEvents, connectionOf, connectWithin, describeError } from './base.js';
import type { ConnectOptions, Connection } from './types.js';

export function openWebSocket(endpoint: Endpoint, options: ConnectOptions): Promise<Connection> {
  const scheme = endpoint.transport === 'wss' ? 'wss' : 'ws';
  const host = endpoint.host.includes(':') ? `[${endpoint.host}]` : endpoint.host;
  const url = `${scheme}://${host}:${endpoint.port}${endpoint.path ?? '/mqtt'}`;
  return connectWithin(
    options,
    (timeoutMs) => `WebSocket connect to ${url} timed out after ${timeoutMs} ms`,
    (attempt, timeoutMs) => {
      const socket = new WebSocket(url, 'mqtt', {
        handshakeTimeout: timeoutMs,
        ...(endpoint.tls?.ca && { ca: endpoint.tls.ca }),
        ...(endpoint.tls?.cert && { cert: endpoint.tls.cert }),
        ...(endpoint.tls?.key && { key: endpoint.tls.key }),
        rejectUnauthorized: endpoint.tls?.rejectUnauthorized ?? true,
      });
      socket.binaryType = 'nodebuffer';
      const events = new ConnectionEvents();
      let localClose = false;
      let lastError: string | undefined;

      socket.once('open', () => attempt.succeed(connection));
      socket.on('message', (data: Buffer | ArrayBuffer | Buffer[]) => {
        events.data(
          Array.isArray(data) ? Buffer.concat(data) : Buffer.isBuffer(data) ? data : Buffer.from(data),
        );
      });
      socket.on('error', (error) => {
        lastError = describeError(error);
        attempt.fail('websocket', `WebSocket connect to ${url} failed: ${lastError}`, error);
      });
      socket.on('unexpected-response', (_request, response) => {
        attempt.fail('websocket', `WebSocket upgrade to ${url} refused: HTTP ${response.statusCode ?? '?'}`);
      });
      socket.on('close', (code: number) => {
        if (localClose) events.close({ kind: 'local' });
        else if (code === 1006)
          events.close({ kind: 'reset', error: lastError ?? 'connection lost without a close frame' });
        else events.close({ kind: 'fin' });
      });

      const base = connectionOf(endpoint.transport, events, {
        write(data) {
          if (socket.readyState === WebSocket.OPEN) socket.send(data, { binary: true });
        },
        end() {
          localClose = true;
          socket.close(1000);
          setTimeout(() => socket.terminate(), 2000).unref();
        },
        destroy() {
          localClose = true;
          socket.terminate();
        },
      });
      // `ws` continues a message sent with fin false in continuation frames, whatever `binary` says.
      const connection: Connection = Object.defineProperty(base, 'websocket', {
        enumerable: true,
        value: {
          get protocol() {
            return socket.protocol;
          },
          sendFrame(data: Buffer, options: { text?: boolean; fin?: boolean }) {
            if (socket.readyState !== WebSocket.OPEN) return;
            socket.send(data, { binary: options.text !== true, fin: options.fin ?? true });
          },
        },
      });
      return () => socket.terminate();
    },
  );
}
