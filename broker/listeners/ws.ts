// WebSocket listeners (ws:// and wss://). MQTT over WebSocket uses binary frames and the 'mqtt'
// subprotocol [MQTT-6.0.0-3]; each WebSocket is wrapped as a Duplex so the broker sees a byte stream.
import { createServer as createHttpServer, type IncomingMessage } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { WebSocketServer, createWebSocketStream, type WebSocket } from 'ws';
import type { Socket } from 'node:net';
import { closeServer, DEFAULT_HOST, formatHost, listen, SocketTracker } from './net-server.js';
import { remote } from './tcp.js';
import { tlsOptions } from './tls.js';
import type { ConnectionHandler, RunningListener, WsListenerConfig, WssListenerConfig } from './types.js';

export const MQTT_SUBPROTOCOL = 'mqtt';

export async function startWsListener(
  config: WsListenerConfig | WssListenerConfig,
  onConnection: ConnectionHandler,
  acceptTextFrames = false,
): Promise<RunningListener> {
  const tracker = new SocketTracker();
  const server = config.type === 'wss' ? createHttpsServer(tlsOptions(config)) : createHttpServer();
  server.on('connection', (socket: Socket) => tracker.add(socket));
  server.on('request', (_request, response) => {
    response.writeHead(426, { 'content-type': 'text/plain' }).end('MQTT over WebSocket only\n');
  });
  const wss = new WebSocketServer({
    server,
    ...(config.path === undefined ? {} : { path: config.path }),
    // [MQTT-6.0.0-3] the server selects 'mqtt'; a client offering other protocols only is refused.
    handleProtocols: (protocols) => (protocols.has(MQTT_SUBPROTOCOL) ? MQTT_SUBPROTOCOL : false),
    perMessageDeflate: false,
  });
  wss.on('connection', (socket: WebSocket, request: IncomingMessage) => {
    // [MQTT-6.0.0-1] MQTT travels in binary frames; any other data frame closes the connection.
    // Registered before the stream's own listener, so the connection is gone before the bytes
    // reach the broker (which then cannot answer them).
    socket.on('message', (_data, isBinary) => {
      if (!isBinary && !acceptTextFrames) socket.terminate();
    });
    const stream = createWebSocketStream(socket);
    // The Duplex re-emits socket errors; the broker sees them as a closed connection.
    onConnection(stream, { ...remote(request.socket.remoteAddress), transport: config.type });
  });
  wss.on('error', () => undefined); // surfaced through the http server's listen() instead
  const bound = await listen(server, config.host ?? DEFAULT_HOST, config.port ?? 0);
  return {
    address: {
      type: config.type,
      host: bound.address,
      port: bound.port,
      url: `${config.type}://${formatHost(bound.address)}:${bound.port}${config.path ?? '/'}`,
    },
    close: async () => {
      for (const client of wss.clients) client.terminate();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
      await closeServer(server, tracker);
    },
  };
}
