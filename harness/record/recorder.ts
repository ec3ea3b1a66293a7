// The recording proxy: listens for real clients, forwards each connection to the real broker (TCP
// through the network proxy with no toxics, WebSocket through ws-forwarder.ts) and keeps everything
// both sides send (capture.ts). stop() ends the recording and returns what it kept; connections still
// open are closed without recording their close.
import type { Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import { HarnessError } from '../errors.js';
import { NetworkError, startTcpProxy, type ResolvedProfile } from '../network/index.js';
import { ConnectionCapture, type CaptureSink } from './capture.js';
import type { RecordedConnection, RecordedEvent, Recording, Side } from './model.js';
import { parseUpstream } from './upstream.js';
import { startWsForwarder, type WsPeer } from './ws-forwarder.js';

export interface RecorderOptions {
  /** `HOST:PORT` (TCP) or a `ws://` / `wss://` URL (WebSocket). */
  upstream: string;
  /** Where to listen for clients (default 127.0.0.1 and a free port). */
  listen?: { host?: string; port?: number };
  /** Give up connecting to the upstream after this long (default 10 s). */
  connectTimeoutMs?: number;
}

export interface RunningRecorder {
  transport: 'tcp' | 'ws';
  host: string;
  port: number;
  /** What clients connect to, e.g. mqtt://127.0.0.1:18830 or ws://127.0.0.1:18830/mqtt. */
  url: string;
  /** Connections recorded so far. */
  readonly connections: number;
  /** Ends the recording (closing the connections still open) and returns it. */
  stop(): Promise<Recording>;
}

/** A profile with no effect: the network proxy only forwards. */
const PASS_THROUGH: ResolvedProfile = { name: 'record', source: 'builtin', backend: 'proxy', toxics: [] };

export async function startRecorder(options: RecorderOptions): Promise<RunningRecorder> {
  const upstream = parseUpstream(options.upstream);
  const startedAt = new Date();
  const origin = performance.now();
  const connections: RecordedConnection[] = [];
  const events: RecordedEvent[] = [];
  const captures: ConnectionCapture[] = [];
  let seq = 0;
  const sink: CaptureSink = {
    clock: () => Math.round((performance.now() - origin) * 10) / 10,
    nextSeq: () => seq++,
    push: (event) => events.push(event),
  };
  const open = (transport: 'tcp' | 'ws'): ConnectionCapture => {
    const connection: RecordedConnection = {
      id: connections.length + 1,
      transport,
      openedAtMs: sink.clock(),
    };
    connections.push(connection);
    const capture = new ConnectionCapture(connection, sink);
    captures.push(capture);
    return capture;
  };
  const server = await startForwarder(upstream, options, open);
  let stopping: Promise<Recording> | undefined;
  return {
    transport: upstream.transport,
    host: server.host,
    port: server.port,
    url: server.url,
    get connections() {
      return connections.length;
    },
    stop() {
      stopping ??= (async () => {
        const durationMs = sink.clock();
        for (const capture of captures) capture.close();
        await server.close();
        return { startedAt, durationMs, upstream: upstream.text, connections, events: [...events] };
      })();
      return stopping;
    },
  };
}

interface Forwarder {
  host: string;
  port: number;
  url: string;
  close(): Promise<void>;
}

/** The pass-through proxy (TCP) or WebSocket forwarder; `open` starts the capture of each connection. */
async function startForwarder(
  upstream: ReturnType<typeof parseUpstream>,
  options: RecorderOptions,
  open: (transport: 'tcp' | 'ws') => ConnectionCapture,
): Promise<Forwarder> {
  const listen = { host: options.listen?.host ?? '127.0.0.1', port: options.listen?.port ?? 0 };
  const connectTimeoutMs = options.connectTimeoutMs ?? 10_000;
  try {
    if (upstream.transport === 'tcp') {
      const proxy = await startTcpProxy({
        profile: PASS_THROUGH,
        upstream: { host: upstream.host, port: upstream.port },
        listen,
        scanMqtt: false,
        connectTimeoutMs,
        onConnection: (client, broker) => tapSockets(open('tcp'), client, broker),
      });
      return {
        host: proxy.host,
        port: proxy.port,
        url: `mqtt://${proxy.host}:${proxy.port}`,
        close: () => proxy.close(),
      };
    } else {
      return await startWsForwarder({
        upstreamUrl: upstream.url,
        listen,
        connectTimeoutMs,
        onConnection: () => {
          const capture = open('ws');
          return {
            data: (from, chunk) => capture.data(from, chunk),
            end: (from, how) => capture.end(from, how),
          } satisfies WsPeer;
        },
      });
    }
  } catch (error) {
    if (error instanceof NetworkError || error instanceof HarnessError) {
      throw new HarnessError('HARNESS_RECORD_FAILED', `harness record: ${error.message}`, { cause: error });
    }
    throw error;
  }
}

/** Records what passes on the two sockets of a proxied TCP connection. */
function tapSockets(capture: ConnectionCapture, client: Socket, broker: Socket): void {
  const tap = (socket: Socket, from: Side): void => {
    socket.on('data', (chunk: Buffer) => capture.data(from, chunk));
    socket.on('end', () => capture.end(from, 'fin'));
    socket.on('error', () => capture.end(from, 'reset'));
  };
  tap(client, 'client');
  tap(broker, 'broker');
}
