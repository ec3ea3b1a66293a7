// Test client for the broker unit tests: a real loopback socket, packets written with the wire
// encoder and read with the strict client-role decoder. Every wait has a timeout.
import * as net from 'node:net';
import type { AddressInfo } from 'node:net';
import { PacketDecoder, encode } from '../../../wire/index.js';
import type { ConnectPacket, Packet, ProtocolLevel } from '../../../wire/types.js';
import { Broker } from '../../../broker/broker.js';
import type { BrokerOptions } from '../../../broker/options.js';

const WAIT_MS = 3000;

/** The packet shape of a type name (AckPacket serves puback, pubrec, pubrel and pubcomp). */
export type PacketOf<T extends Packet['type']> = Packet extends infer P
  ? P extends { type: infer U }
    ? T extends U
      ? P
      : never
    : never
  : never;

export interface TestBroker {
  broker: Broker;
  port: number;
  stop(): Promise<void>;
}

export async function startTestBroker(options: BrokerOptions = {}): Promise<TestBroker> {
  const broker = new Broker(options);
  const server = net.createServer((socket) =>
    broker.handleConnection(socket, { remoteAddress: socket.remoteAddress ?? '', transport: 'tcp' }),
  );
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    broker,
    port,
    async stop() {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      await broker.close();
      await closed;
    },
  };
}

export class TestClient {
  readonly packets: Packet[] = [];
  closed = false;
  private readonly decoder: PacketDecoder;
  private waiters: (() => void)[] = [];
  decodeError: Error | undefined;

  private constructor(
    readonly socket: net.Socket,
    readonly version: ProtocolLevel,
  ) {
    this.decoder = new PacketDecoder({ role: 'client', version });
    socket.on('data', (chunk: Buffer) => {
      try {
        this.packets.push(...this.decoder.push(chunk));
      } catch (error) {
        this.decodeError = error as Error;
      }
      this.wake();
    });
    socket.on('close', () => {
      this.closed = true;
      this.wake();
    });
    socket.on('error', () => {});
  }

  static async open(port: number, version: ProtocolLevel = 4): Promise<TestClient> {
    const socket = net.connect(port, '127.0.0.1');
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', resolve);
      socket.once('error', reject);
    });
    return new TestClient(socket, version);
  }

  /** Opens a socket, sends CONNECT, waits for CONNACK. */
  static async connect(
    port: number,
    connect: Partial<ConnectPacket> = {},
    version: ProtocolLevel = 4,
  ): Promise<TestClient> {
    const client = await TestClient.open(port, version);
    client.send(connectPacket(connect, version));
    const connack = await client.next('connack');
    if (connack.type === 'connack' && connack.reasonCode !== 0)
      throw new Error(`refused: ${connack.reasonCode}`);
    return client;
  }

  private wake(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const waiter of waiters) waiter();
  }

  send(packet: Packet): void {
    this.socket.write(encode(packet, this.version));
  }

  raw(bytes: Buffer): void {
    this.socket.write(bytes);
  }

  /** Waits for (and removes) the first received packet of the type. */
  async next<T extends Packet['type']>(type: T, timeoutMs = WAIT_MS): Promise<PacketOf<T>> {
    const found = await this.waitFor(
      () => {
        const index = this.packets.findIndex((p) => p.type === type);
        return index < 0 ? undefined : this.packets.splice(index, 1)[0];
      },
      timeoutMs,
      `no ${type}`,
    );
    return found as PacketOf<T>;
  }

  /** The first packet of the type, or 'closed' if the connection closes first. */
  async nextOrClosed<T extends Packet['type']>(
    type: T,
    timeoutMs = WAIT_MS,
  ): Promise<PacketOf<T> | 'closed'> {
    const found = await this.waitFor<Packet | 'closed'>(
      () => {
        const index = this.packets.findIndex((p) => p.type === type);
        if (index >= 0) return this.packets.splice(index, 1)[0];
        return this.closed ? 'closed' : undefined;
      },
      timeoutMs,
      `no ${type} and no close`,
    );
    return found as PacketOf<T> | 'closed';
  }

  /** Asserts nothing of the type arrives within the window (an observation window, not a speed threshold). */
  async none(type: Packet['type'], windowMs = 300): Promise<void> {
    await new Promise((resolve) => setTimeout(resolve, windowMs));
    const found = this.packets.find((p) => p.type === type);
    if (found !== undefined) throw new Error(`unexpected ${type}: ${JSON.stringify(found)}`);
  }

  async waitClosed(timeoutMs = WAIT_MS): Promise<void> {
    await this.waitFor(() => (this.closed ? true : undefined), timeoutMs, 'connection not closed');
  }

  /**
   * Resolves when `check` holds, re-checked on every packet, decode error and close; rejects after the
   * timeout. For conditions on what this client received (e.g. a decode error OR a PINGRESP).
   */
  async until(check: () => boolean, timeoutMs = WAIT_MS, message = 'condition not met'): Promise<void> {
    await this.waitFor(() => (check() ? true : undefined), timeoutMs, message);
  }

  private waitFor<R>(check: () => R | undefined, timeoutMs: number, message: string): Promise<R> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== attempt);
        reject(
          new Error(
            `${message} within ${timeoutMs} ms; received ${JSON.stringify(this.packets.map((p) => p.type))}`,
          ),
        );
      }, timeoutMs);
      const attempt = (): void => {
        const result = check();
        if (result !== undefined) {
          clearTimeout(timer);
          resolve(result);
          return;
        }
        this.waiters.push(attempt);
      };
      attempt();
    });
  }

  close(): void {
    this.socket.destroy();
  }

  async disconnect(): Promise<void> {
    this.send({ type: 'disconnect' });
    await this.waitClosed();
  }
}

/**
 * Polls `check` (state of the broker under test, which no packet announces) every 10 ms until it
 * holds; throws after `timeoutMs`. An event-driven replacement for "sleep, then assert": a broker that
 * never reaches the state still fails, one that is merely slow on a busy machine does not.
 */
export async function waitUntil(check: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timeout after ${timeoutMs} ms: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

export function connectPacket(fields: Partial<ConnectPacket>, version: ProtocolLevel): ConnectPacket {
  return {
    type: 'connect',
    protocolName: version === 3 ? 'MQIsdp' : 'MQTT',
    protocolLevel: version,
    cleanStart: true,
    keepAlive: 0,
    clientId: `c-${Math.random().toString(36).slice(2, 10)}`,
    ...fields,
  };
}
