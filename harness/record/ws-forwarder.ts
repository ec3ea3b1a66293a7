// WebSocket forwarding for `harness record`: a WebSocket server for the clients (subprotocol `mqtt`
// when they offer it) and, for each client, one WebSocket to the upstream broker. MQTT bytes travel
// in binary messages, both ways, unchanged; a close on one side closes the other with the same code,
// an abrupt end (1006) is passed on as a termination.
import { createServer } from 'node:http';
import WebSocket, { WebSocketServer, type RawData } from 'ws';
import { HarnessError } from '../errors.js';
import type { Side } from './model.js';

export interface WsPeer {
  data(from: Side, chunk: Buffer): void;
  end(from: Side, how: 'fin' | 'reset'): void;
}

export interface WsForwarderOptions {
  upstreamUrl: string;
  listen: { host: string; port: number };
  connectTimeoutMs: number;
  onConnection(): WsPeer;
}

export interface RunningWsForwarder {
  host: string;
  port: number;
  url: string;
  close(): Promise<void>;
}

export async function startWsForwarder(options: WsForwarderOptions): Promise<RunningWsForwarder> {
  const http = createServer((_request, response) => response.writeHead(426).end());
  const server = new WebSocketServer({
    server: http,
    handleProtocols: (protocols) => (protocols.has('mqtt') ? 'mqtt' : ([...protocols][0] ?? false)),
  });
  const sockets = new Set<WebSocket>();
  server.on('connection', (client) => {
    const peer = options.onConnection();
    const upstream = new WebSocket(options.upstreamUrl, client.protocol || [], {
      handshakeTimeout: options.connectTimeoutMs,
      rejectUnauthorized: false,
    });
    sockets.add(client).add(upstream);
    const queued: Buffer[] = [];
    client.on('message', (data: RawData) => {
      const chunk = toBuffer(data);
      peer.data('client', chunk);
      if (upstream.readyState === WebSocket.OPEN) upstream.send(chunk, { binary: true });
      else queued.push(chunk);
    });
    upstream.on('open', () => {
      for (const chunk of queued.splice(0)) upstream.send(chunk, { binary: true });
    });
    upstream.on('message', (data: RawData) => {
      const chunk = toBuffer(data);
      peer.data('broker', chunk);
      if (client.readyState === WebSocket.OPEN) client.send(chunk, { binary: true });
    });
    const pass = (from: WebSocket, to: WebSocket, side: Side) => {
      from.on('close', (code: number) => {
        sockets.delete(from);
        peer.end(side, code === 1006 ? 'reset' : 'fin');
        if (to.readyState === WebSocket.CONNECTING || code === 1006) to.terminate();
        else if (to.readyState === WebSocket.OPEN) to.close(code === 1005 ? 1000 : code);
      });
      from.on('error', () => from.terminate());
    };
    pass(client, upstream, 'client');
    pass(upstream, client, 'broker');
  });
  await new Promise<void>((resolve, reject) => {
    http.once('error', (error) =>
      reject(
        new HarnessError(
          'HARNESS_RECORD_FAILED',
          `cannot listen on ${options.listen.host}:${options.listen.port}: ${error.message}`,
        ),
      ),
    );
    http.listen(options.listen.port, options.listen.host, () => resolve());
  });
  const address = http.address();
  const port = address !== null && typeof address === 'object' ? address.port : options.listen.port;
  const path = new URL(options.upstreamUrl).pathname || '/mqtt';
  return {
    host: options.listen.host,
    port,
    url: `ws://${options.listen.host}:${port}${path}`,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.terminate();
        server.close();
        http.close(() => resolve());
        http.closeAllConnections();
      }),
  };
}

function toBuffer(data: RawData): Buffer {
  if (Buffer.isBuffer(data)) return data;
  return Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data);
}
