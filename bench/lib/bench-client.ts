// Load-generator connection: raw socket, CONNECT with our encoder, then frames counted by FrameSplitter.
import { connect as netConnect, type Socket } from 'node:net';
import { encode, type Packet, type ProtocolLevel } from '../../wire/index.js';
import { FrameSplitter, type Frame } from './frames.js';

export const VERSION: ProtocolLevel = 4; // 3.1.1: Aedes 1.x speaks nothing newer

export interface BenchClient {
  socket: Socket;
  /** Replaces the frame handler (set once the client is connected). */
  onFrame(handler: (frame: Frame) => void): void;
  send(packet: Packet): boolean;
  /** Resolves at the first frame of `type` after now (SUBACK, PUBACK...), with a timeout. */
  waitFor(type: number, timeoutMs?: number): Promise<Frame>;
  close(): void;
}

export async function openClient(
  port: number,
  clientId: string,
  timeoutMs = 5000,
  version: ProtocolLevel = VERSION,
): Promise<BenchClient> {
  const socket = netConnect({ port, host: '127.0.0.1' });
  socket.setNoDelay(true);
  const splitter = new FrameSplitter();
  let handler: (frame: Frame) => void = () => undefined;
  const waiters: { type: number; resolve: (f: Frame) => void }[] = [];
  socket.on('data', (chunk: Buffer) =>
    splitter.push(chunk, (frame) => {
      const index = waiters.findIndex((w) => w.type === frame.type);
      if (index >= 0) waiters.splice(index, 1)[0]!.resolve(frame);
      handler(frame);
    }),
  );
  socket.on('error', () => undefined);
  const client: BenchClient = {
    socket,
    onFrame: (h) => (handler = h),
    send: (packet) => socket.write(encode(packet, version)),
    waitFor(type, ms = timeoutMs) {
      return new Promise((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error(`${clientId}: no packet type ${type} within ${ms} ms`)),
          ms,
        );
        waiters.push({
          type,
          resolve: (f) => {
            clearTimeout(timer);
            resolve(f);
          },
        });
      });
    },
    close: () => socket.destroy(),
  };
  const connack = client.waitFor(2);
  client.send({
    type: 'connect',
    protocolName: 'MQTT',
    protocolLevel: version,
    cleanStart: true,
    keepAlive: 0,
    clientId,
  });
  await connack;
  return client;
}

/** SUBSCRIBE and wait for the SUBACK; a Subscription Identifier only on an MQTT 5.0 client. */
export async function subscribe(
  client: BenchClient,
  topicFilter: string,
  qos: 0 | 1,
  subscriptionIdentifier?: number,
): Promise<void> {
  const suback = client.waitFor(9);
  client.send({
    type: 'subscribe',
    packetId: 1,
    subscriptions: [{ topicFilter, qos }],
    ...(subscriptionIdentifier === undefined ? {} : { properties: { subscriptionIdentifier } }),
  });
  await suback;
}
