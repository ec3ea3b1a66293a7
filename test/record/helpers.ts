// Builds recordings without a network: each side's bytes go through the same ConnectionCapture the
// recording proxy uses (framing, strict decoding), with a clock the test advances.
import { encode, type Packet, type ProtocolLevel } from '../../wire/index.js';
import { ConnectionCapture } from '../../harness/record/capture.js';
import type { RecordedConnection, RecordedEvent, Recording, Side } from '../../harness/record/model.js';

export class FakeSession {
  readonly connections: RecordedConnection[] = [];
  readonly events: RecordedEvent[] = [];
  private readonly captures = new Map<number, ConnectionCapture>();
  private seq = 0;
  now = 0;

  open(): number {
    const connection: RecordedConnection = {
      id: this.connections.length + 1,
      transport: 'tcp',
      openedAtMs: this.now,
    };
    this.connections.push(connection);
    this.captures.set(
      connection.id,
      new ConnectionCapture(connection, {
        clock: () => this.now,
        nextSeq: () => this.seq++,
        push: (event) => this.events.push(event),
      }),
    );
    return connection.id;
  }

  /** Encodes and records a packet from one side; the clock moves on by `afterMs` first. */
  packet(connection: number, from: Side, packet: Packet, level: ProtocolLevel = 4, afterMs = 1): void {
    this.bytes(connection, from, encode(packet, level), afterMs);
  }

  bytes(connection: number, from: Side, bytes: Buffer, afterMs = 1): void {
    this.now += afterMs;
    this.capture(connection).data(from, bytes);
  }

  end(connection: number, from: Side, how: 'fin' | 'reset' = 'fin', afterMs = 1): void {
    this.now += afterMs;
    this.capture(connection).end(from, how);
  }

  recording(): Recording {
    return {
      startedAt: new Date('2026-12-07T10:00:00Z'),
      durationMs: this.now,
      upstream: '127.0.0.1:1883',
      connections: this.connections,
      events: this.events,
    };
  }

  private capture(connection: number): ConnectionCapture {
    const capture = this.captures.get(connection);
    if (capture === undefined) throw new Error(`no connection ${connection}`);
    return capture;
  }
}

export function connect(clientId: string, extra: Partial<Extract<Packet, { type: 'connect' }>> = {}): Packet {
  return {
    type: 'connect',
    protocolName: 'MQTT',
    protocolLevel: 4,
    cleanStart: true,
    keepAlive: 60,
    clientId,
    ...extra,
  };
}

export function publish(
  topic: string,
  payload: string,
  extra: Partial<Extract<Packet, { type: 'publish' }>> = {},
): Packet {
  return {
    type: 'publish',
    topic,
    payload: Buffer.from(payload),
    qos: 0,
    retain: false,
    dup: false,
    ...extra,
  };
}
