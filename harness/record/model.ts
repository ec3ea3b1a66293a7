// What `harness record` keeps of a session: each connection between a real client and the broker,
// and, in the order the proxy saw them, every packet each side sent (decoded by the strict decoder,
// or the exact bytes where they did not decode) and how each side ended the connection.
import type { Packet, ProtocolLevel } from '../../wire/index.js';

export type Side = 'client' | 'broker';

export interface RecordedConnection {
  id: number;
  transport: 'tcp' | 'ws';
  /** Milliseconds since the recording started. */
  openedAtMs: number;
  /** The client id of the first CONNECT (undefined until one decoded). */
  clientId?: string;
  /** Protocol level of the first CONNECT. */
  level?: ProtocolLevel | 3;
}

interface EventBase {
  /** Order over the whole recording. */
  seq: number;
  atMs: number;
  connection: number;
  /** Who sent it (or who ended the connection). */
  from: Side;
}

export type RecordedEvent =
  | (EventBase & { kind: 'packet'; packet: Packet; raw: Buffer })
  /** Bytes that did not decode as a packet: replayed as they are. */
  | (EventBase & { kind: 'malformed'; raw: Buffer; error: string })
  /** That side closed its end (FIN) or reset the connection. */
  | (EventBase & { kind: 'end'; how: 'fin' | 'reset' });

export interface Recording {
  startedAt: Date;
  durationMs: number;
  /** Where the clients were forwarded to. */
  upstream: string;
  connections: RecordedConnection[];
  events: RecordedEvent[];
}
