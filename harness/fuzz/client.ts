// A small raw MQTT client over TCP for the fuzzer's abusers and its health probe: the wire encoder
// writes, the strict decoder reads, and every wait has a deadline.
import { connect as tcpConnect, type Socket } from 'node:net';
import { encode, PacketDecoder, type Packet, type ProtocolLevel, type Will } from '../../wire/index.js';

export interface Address {
  host: string;
  port: number;
}

export interface RawClient {
  socket: Socket;
  send(packet: Packet): boolean;
  /** The next received packet that `match` accepts, or an Error after `timeoutMs` or on close. */
  next(match: (packet: Packet) => boolean, timeoutMs: number): Promise<Packet>;
  /** Packets received so far and not taken by next(). */
  received: Packet[];
  closed: Promise<void>;
  destroy(): void;
}

/** Opens a TCP connection within `timeoutMs`. */
export function openSocket(address: Address, timeoutMs: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = tcpConnect({ host: address.host, port: address.port, noDelay: true });
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`TCP connect to ${address.host}:${address.port} timed out after ${timeoutMs} ms`));
    }, timeoutMs);
    socket.once('connect', () => {
      clearTimeout(timer);
      socket.removeAllListeners('error');
      socket.on('error', () => undefined);
      resolve(socket);
    });
    socket.once('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
  });
}

export async function rawClient(
  address: Address,
  version: ProtocolLevel,
  timeoutMs: number,
): Promise<RawClient> {
  const socket = await openSocket(address, timeoutMs);
  const decoder = new PacketDecoder({ role: 'client', version, copyBinary: true });
  const received: Packet[] = [];
  let waiter: { match: (packet: Packet) => boolean; resolve: (packet: Packet) => void } | undefined;
  let ended: Error | undefined;
  let failWaiter: ((error: Error) => void) | undefined;
  const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
  socket.on('data', (chunk: Buffer) => {
    let packets: Packet[];
    try {
      packets = decoder.push(chunk);
    } catch (error) {
      ended = error as Error;
      failWaiter?.(ended);
      socket.destroy();
      return;
    }
    for (const packet of packets) {
      if (waiter?.match(packet) === true) {
        const current = waiter;
        waiter = undefined;
        current.resolve(packet);
      } else received.push(packet);
    }
  });
  void closed.then(() => {
    ended ??= new Error('connection closed by the broker');
    failWaiter?.(ended);
  });
  return {
    socket,
    received,
    closed,
    send: (packet) => socket.write(encode(packet, version)),
    next(match, waitMs) {
      const index = received.findIndex(match);
      if (index >= 0) return Promise.resolve(received.splice(index, 1)[0] as Packet);
      if (ended !== undefined) return Promise.reject(ended);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          waiter = undefined;
          reject(new Error(`no answer within ${waitMs} ms`));
        }, waitMs);
        failWaiter = (error) => {
          clearTimeout(timer);
          waiter = undefined;
          reject(error);
        };
        waiter = {
          match,
          resolve: (packet) => {
            clearTimeout(timer);
            failWaiter = undefined;
            resolve(packet);
          },
        };
      });
    },
    destroy: () => socket.destroy(),
  };
}

/** Connects and waits for CONNACK; throws unless it accepts. */
export async function connectClient(
  address: Address,
  options: {
    clientId: string;
    version?: ProtocolLevel;
    timeoutMs: number;
    cleanStart?: boolean;
    will?: Will;
  },
): Promise<RawClient> {
  const version = options.version ?? 4;
  const client = await rawClient(address, version, options.timeoutMs);
  client.send({
    type: 'connect',
    protocolName: 'MQTT',
    protocolLevel: version,
    cleanStart: options.cleanStart ?? true,
    keepAlive: 60,
    clientId: options.clientId,
    ...(options.will === undefined ? {} : { will: options.will }),
  });
  try {
    const connack = await client.next((packet) => packet.type === 'connack', options.timeoutMs);
    if (connack.type === 'connack' && connack.reasonCode !== 0) {
      throw new Error(`CONNACK refused the connection (code ${connack.reasonCode})`);
    }
  } catch (error) {
    client.destroy();
    throw error;
  }
  return client;
}
