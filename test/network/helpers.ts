// Test helpers: a real Mosquitto on a free loopback port, raw MQTT clients and timing.
import { connect, createServer, type Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import { startTarget, type StartedTarget } from '../../harness/targets/index.js';

export { freePort } from '../../harness/targets/network.js';

/** The product's Mosquitto target; `port` is its endpoint's port (the upstream of a proxy under test). */
export type Mosquitto = StartedTarget & { port: number };

export async function startMosquitto(): Promise<Mosquitto> {
  const target = await startTarget('mosquitto', { cwd: process.cwd() });
  return Object.assign(target, { port: target.endpoint.port });
}

/** Reads from a socket into a buffer; `waitFor(n)` resolves when n bytes have arrived. */
export class Reader {
  buffer = Buffer.alloc(0);
  closed = false;
  error: Error | undefined;
  private waiters: (() => void)[] = [];
  constructor(readonly socket: Socket) {
    socket.on('data', (d: Buffer) => {
      this.buffer = Buffer.concat([this.buffer, d]);
      this.wake();
    });
    socket.on('error', (e) => {
      this.error = e;
    });
    socket.on('close', () => {
      this.closed = true;
      this.wake();
    });
  }
  private wake(): void {
    for (const w of this.waiters.splice(0)) w();
  }
  async waitFor(bytes: number, timeoutMs = 5_000): Promise<Buffer> {
    const deadline = performance.now() + timeoutMs;
    while (this.buffer.length < bytes) {
      if (this.closed) throw new Error(`closed after ${this.buffer.length} of ${bytes} bytes`);
      const left = deadline - performance.now();
      if (left <= 0) throw new Error(`timeout: ${this.buffer.length} of ${bytes} bytes`);
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(t);
          resolve();
        });
      });
    }
    const out = this.buffer.subarray(0, bytes);
    this.buffer = this.buffer.subarray(bytes);
    return out;
  }
  async waitClosed(timeoutMs = 5_000): Promise<void> {
    const deadline = performance.now() + timeoutMs;
    while (!this.closed) {
      if (performance.now() > deadline) throw new Error('socket not closed');
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, 50);
        this.waiters.push(() => {
          clearTimeout(t);
          resolve();
        });
      });
    }
  }
}

export function open(port: number, host = '127.0.0.1'): Promise<{ socket: Socket; reader: Reader }> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host, port, noDelay: true });
    const reader = new Reader(socket);
    const t = setTimeout(() => reject(new Error('connect timeout')), 5_000);
    socket.once('connect', () => {
      clearTimeout(t);
      resolve({ socket, reader });
    });
    socket.once('error', (e) => {
      clearTimeout(t);
      reject(e);
    });
  });
}

// MQTT 3.1.1 CONNECT, empty client id, clean session, keep alive 60.
export const CONNECT = Buffer.from('100c00044d5154540402003c0000', 'hex');

/** Opens an MQTT session (CONNECT/CONNACK) through host:port. */
export async function mqttSession(port: number): Promise<{ socket: Socket; reader: Reader }> {
  const client = await open(port);
  client.socket.write(CONNECT);
  const connack = await client.reader.waitFor(4);
  if (connack[0] !== 0x20 || connack[3] !== 0) throw new Error(`bad CONNACK ${connack.toString('hex')}`);
  return client;
}

/** Times `count` sequential PINGREQ → PINGRESP round trips, in ms. */
export async function pingRtts(client: { socket: Socket; reader: Reader }, count: number): Promise<number[]> {
  const rtts: number[] = [];
  for (let i = 0; i < count; i++) {
    const start = performance.now();
    client.socket.write(Buffer.from([0xc0, 0x00]));
    const resp = await client.reader.waitFor(2);
    rtts.push(performance.now() - start);
    if (resp[0] !== 0xd0) throw new Error(`expected PINGRESP, got ${resp.toString('hex')}`);
  }
  return rtts;
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** Whether a TCP connection to the port is refused (nothing listens). */
export function isRefused(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect({ host: '127.0.0.1', port });
    const t = setTimeout(() => {
      s.destroy();
      resolve(false);
    }, 2_000);
    s.once('connect', () => {
      clearTimeout(t);
      s.destroy();
      resolve(false);
    });
    s.once('error', (e: NodeJS.ErrnoException) => {
      clearTimeout(t);
      resolve(e.code === 'ECONNREFUSED');
    });
  });
}

/** A TCP server that echoes what it gets; `sendOnConnect` bytes are written first (then it keeps echoing). */
/** Polls `ready` every 5 ms until it holds; throws after `timeoutMs`. */
export async function until(ready: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!ready()) {
    if (performance.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

export async function startEcho(
  sendOnConnect?: Buffer,
): Promise<{ port: number; received: () => number; accepted: () => number; close(): Promise<void> }> {
  let received = 0;
  let accepted = 0;
  const sockets = new Set<Socket>();
  const server = createServer({ noDelay: true }, (s) => {
    accepted++;
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
    s.on('error', () => undefined);
    if (sendOnConnect) s.write(sendOnConnect);
    s.on('data', (d: Buffer) => {
      received += d.length;
      s.write(d);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as { port: number }).port,
    received: () => received,
    accepted: () => accepted,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
