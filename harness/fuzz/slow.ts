// Phases 'slowloris' and 'flood': connections that take forever to say anything, and connections
// opened and dropped as fast as the broker accepts them.
import type { Socket } from 'node:net';
import { encode } from '../../wire/index.js';
import { connectClient, openSocket } from './client.js';
import { running, sleep, type Phase, type PhaseContext, type PhaseStats } from './phase.js';

export const slowlorisPhase: Phase = {
  name: 'slowloris',
  description: 'many connections that send a CONNECT (or a huge announced packet) one byte a second',
  async run(context: PhaseContext): Promise<PhaseStats> {
    const deadline = Date.now() + context.durationMs;
    const count = 100 * context.scale;
    const stats = { connections: 0, bytes: 0, closedByBroker: 0, connectFailures: 0 };
    const sockets: { socket: Socket; bytes: Buffer; offset: number; closed: boolean }[] = [];
    for (let i = 0; i < count && running(context, deadline); i++) {
      const connect = encode(
        {
          type: 'connect',
          protocolName: 'MQTT',
          protocolLevel: context.random.pick([4, 5] as const),
          cleanStart: true,
          keepAlive: 60,
          clientId: `fuzz-slow-${i}`,
        },
        4,
      );
      // Every third one announces a 256 MB packet and then dribbles its body.
      const bytes =
        i % 3 === 2
          ? Buffer.concat([Buffer.from([0x30, 0xff, 0xff, 0xff, 0x7f]), context.random.bytes(4096)])
          : connect;
      try {
        const socket = await openSocket(context.address, 5000);
        const entry = { socket, bytes, offset: 0, closed: false };
        socket.on('close', () => (entry.closed = true));
        socket.on('data', () => undefined);
        sockets.push(entry);
        stats.connections++;
      } catch {
        stats.connectFailures++;
      }
    }
    while (running(context, deadline)) {
      for (const entry of sockets) {
        if (entry.closed || entry.offset >= entry.bytes.length) continue;
        entry.socket.write(entry.bytes.subarray(entry.offset, entry.offset + 1));
        entry.offset++;
        stats.bytes++;
      }
      await sleep(1000, context.signal);
    }
    stats.closedByBroker = sockets.filter((entry) => entry.closed).length;
    for (const entry of sockets) entry.socket.destroy();
    return stats;
  },
};

export const floodPhase: Phase = {
  name: 'flood',
  description: 'connection floods: batches of clients connect at once, then half vanish and half disconnect',
  async run(context: PhaseContext): Promise<PhaseStats> {
    const deadline = Date.now() + context.durationMs;
    const batch = 200 * context.scale;
    const stats = { connections: 0, accepted: 0, failures: 0, batches: 0 };
    let serial = 0;
    while (running(context, deadline)) {
      stats.batches++;
      const attempts = Array.from({ length: batch }, async () => {
        stats.connections++;
        try {
          return await connectClient(context.address, {
            clientId: `fuzz-flood-${serial++}`,
            timeoutMs: 10_000,
          });
        } catch {
          stats.failures++;
          return undefined;
        }
      });
      const clients = await Promise.all(attempts);
      clients.forEach((client, index) => {
        if (client === undefined) return;
        stats.accepted++;
        if (index % 2 === 0) client.destroy();
        else {
          client.send({ type: 'disconnect' });
          client.socket.end();
        }
      });
      await sleep(100, context.signal);
    }
    return stats;
  },
};
