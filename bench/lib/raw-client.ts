// A minimal MQTT client over a raw TCP socket using our wire encoder and strict decoder: no
// reconnects, no stores, every wait bounded. Used by the heap and slow-subscriber tests and the bench.
import { connect as netConnect, type Socket } from 'node:net';
import {
  encode,
  PacketDecoder,
  type Packet,
  type ProtocolLevel,
  type ConnectPacket,
} from '../../wire/index.js';

export class RawClient {
  private readonly decoder: PacketDecoder;
  private readonly inbox: Packet[] = [];
  private waiter: (() => void) | undefined;
  private closedError: Error | undefined;

  private constructor(
    readonly socket: Socket,
    readonly version: ProtocolLevel,
  ) {
    this.decoder = new PacketDecoder({ role: 'client', version });
    socket.on('data', (chunk: Buffer) => {
      try {
        this.inbox.push(...this.decoder.push(chunk));
      } catch (error) {
        this.closedError = error as Error;
        socket.destroy();
      }
      this.waiter?.();
    });
    socket.on('close', () => {
      this.closedError ??= new Error('connection closed');
      this.waiter?.();
    });
    socket.on('error', (error) => {
      this.closedError = error;
    });
  }

  /** Opens a socket, sends CONNECT and waits for CONNACK (rejects if refused or late). */
  static async connect(
    port: number,
    connectPacket: Partial<ConnectPacket> & { clientId: string },
    version: ProtocolLevel = 4,
    host = '127.0.0.1',
    timeoutMs = 5000,
  ): Promise<RawClient> {
    const socket = netConnect({ port, host });
    socket.setNoDelay(true);
    const client = new RawClient(socket, version);
    client.send({
      type: 'connect',
      protocolName: 'MQTT',
      protocolLevel: version,
      cleanStart: true,
      keepAlive: 0,
      ...connectPacket,
    });
    const connack = await client.next((p) => p.type === 'connack', timeoutMs);
    if (connack.type === 'connack' && connack.reasonCode !== 0) {
      socket.destroy();
      throw new Error(`CONNACK refused: ${connack.reasonCode}`);
    }
    return client;
  }

  send(packet: Packet): boolean {
    return this.socket.write(encode(packet, this.version));
  }

  /** Resolves with (and removes) the first received packet matching `predicate`. */
  async next(predicate: (p: Packet) => boolean, timeoutMs = 5000): Promise<Packet> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const index = this.inbox.findIndex(predicate);
      if (index >= 0) return this.inbox.splice(index, 1)[0]!;
      if (this.closedError) throw this.closedError;
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`timeout after ${timeoutMs} ms waiting for a packet`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiter = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.waiter = undefined;
    }
  }

  /** Sends DISCONNECT and waits for the server to close the socket (or destroys it after the timeout). */
  async disconnect(timeoutMs = 5000): Promise<void> {
    if (this.socket.destroyed) return;
    const closed = new Promise<void>((resolve) => this.socket.once('close', () => resolve()));
    this.socket.end(encode({ type: 'disconnect' }, this.version));
    const timer = setTimeout(() => this.socket.destroy(), timeoutMs);
    await closed;
    clearTimeout(timer);
  }

  destroy(): void {
    this.socket.destroy();
  }
}
