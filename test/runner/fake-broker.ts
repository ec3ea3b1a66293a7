// A tiny scripted MQTT "broker" on a real TCP socket (127.0.0.1, free port) for runner tests: it
// frames what the client sends and lets each test answer with chosen bytes, misbehave, or hang.
import { createServer, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { parseScenario } from '../../harness/scenario/index.js';
import type { ResolvedScenario } from '../../harness/scenario/types.js';
import { runScenarioInstance } from '../../harness/runner/scenario-run.js';
import type { ScenarioResult } from '../../harness/result/model.js';
import type { Capability, KnownDeviation, StartedTarget } from '../../harness/targets/types.js';
import type { MqttVersion } from '../../harness/vocabulary.js';

export interface FakeConnection {
  socket: Socket;
  /** Write bytes given as hex ('20 02 00 00'). */
  send(hex: string): void;
}

/** Called for every complete packet the client sends: type nibble, whole frame. */
export type Script = (packetType: number, frame: Buffer, connection: FakeConnection) => void;

export interface FakeBroker {
  port: number;
  connections: number;
  close(): Promise<void>;
}

export async function startFakeBroker(script: Script): Promise<FakeBroker> {
  const sockets = new Set<Socket>();
  const broker = { port: 0, connections: 0, close: () => Promise.resolve() };
  const server: Server = createServer((socket) => {
    broker.connections += 1;
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
    const connection: FakeConnection = {
      socket,
      send: (hex) => {
        if (!socket.destroyed) socket.write(Buffer.from(hex.replace(/\s/g, ''), 'hex'));
      },
    };
    let buffer = Buffer.alloc(0);
    socket.on('data', (chunk: Buffer) => {
      buffer = Buffer.concat([buffer, chunk]);
      for (;;) {
        let length = 0;
        let multiplier = 1;
        let i = 1;
        for (; i < buffer.length && i <= 4; i += 1) {
          length += (buffer[i]! & 0x7f) * multiplier;
          multiplier *= 128;
          if ((buffer[i]! & 0x80) === 0) break;
        }
        if (i >= buffer.length || buffer.length < i + 1 + length) return;
        const frame = buffer.subarray(0, i + 1 + length);
        buffer = buffer.subarray(i + 1 + length);
        script(frame[0]! >> 4, frame, connection);
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  broker.port = (server.address() as AddressInfo).port;
  broker.close = () =>
    new Promise<void>((resolve) => {
      for (const socket of sockets) socket.destroy();
      server.close(() => resolve());
    });
  return broker;
}

/** CONNECT → CONNACK success (3.1.1 layout or 5.0 layout with empty properties). */
export const CONNACK_311 = '20 02 00 00';
export const CONNACK_5 = '20 03 00 00 00';

export function fakeTarget(
  port: number,
  options: { capabilities?: Capability[]; knownDeviations?: KnownDeviation[]; alive?: () => boolean } = {},
): StartedTarget {
  const all: Capability[] = [
    'mqtt-3.1.1',
    'mqtt-5.0',
    'qos1',
    'qos2',
    'retain',
    'wildcards',
    'shared-subscriptions',
    'subscription-identifiers',
    'topic-aliases',
    'will-delay',
    'sys-topics',
  ];
  return {
    name: 'fake',
    kind: 'url',
    endpoint: { transport: 'tcp', host: '127.0.0.1', port },
    url: `mqtt://127.0.0.1:${port}`,
    capabilities: new Set(options.capabilities ?? all),
    knownDeviations: options.knownDeviations ?? [],
    isAlive: options.alive ?? (() => true),
    stop: () => Promise.resolve(),
  };
}

export function scenarioFrom(yaml: string): ResolvedScenario {
  const { scenario, issues } = parseScenario(yaml, 'test.yaml');
  if (!scenario)
    throw new Error(issues.map((i) => `${i.line}:${i.column} ${i.path} ${i.message}`).join('\n'));
  return scenario;
}

let seq = 0;
export function runAgainst(
  target: StartedTarget,
  yaml: string,
  options: {
    version?: MqttVersion;
    stepTimeout?: number;
    scenarioTimeout?: number;
    signal?: AbortSignal;
  } = {},
): Promise<ScenarioResult> {
  const scenario = scenarioFrom(yaml);
  return runScenarioInstance(
    {
      scenario,
      version: options.version ?? '3.1.1',
      target,
      endpoint: target.endpoint,
      profile: 'none',
      seq: seq++,
    },
    {
      runId: 'test',
      stepTimeout: options.stepTimeout ?? 300,
      scenarioTimeout: options.scenarioTimeout ?? 5000,
      signal: options.signal ?? new AbortController().signal,
    },
  );
}
