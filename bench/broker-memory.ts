// Memory per idle connection: our broker, Mosquitto and Aedes, each in its own child process, hold
// the same number of idle MQTT 3.1.1 connections (CONNECT with keep-alive 60 s, then nothing). The
// figure is the broker's resident memory (VmRSS) with the connections open minus before, divided by
// the number of connections, read after the broker had a moment to settle.
//   npm run bench:broker-memory   (BENCH_CONNECTIONS=10000 BENCH_BROKERS=ours,mosquitto,aedes)
import { connect as netConnect, type Socket } from 'node:net';
import { encode } from '../wire/index.js';
import { MOSQUITTO_BIN, startMosquitto, type PeerBroker } from './lib/mosquitto.js';
import { startNodeBroker } from './lib/node-broker.js';
import { mib, rssBytes } from './lib/rss.js';

const wanted = Number(process.env['BENCH_CONNECTIONS'] ?? 10_000);
const settleMs = Number(process.env['BENCH_SETTLE_MS'] ?? 3000);
const json = process.argv.includes('--json');
const BATCH = 200;

type BrokerName = 'ours' | 'mosquitto' | 'aedes';
const starters: Record<BrokerName, (() => Promise<PeerBroker>) | undefined> = {
  ours: () => startNodeBroker('ours', 'serve-ours.ts'),
  mosquitto: MOSQUITTO_BIN === undefined ? undefined : () => startMosquitto(),
  aedes: () => startNodeBroker('aedes', 'serve-aedes.ts'),
};
const pick = (env: string | undefined): BrokerName[] =>
  (Object.keys(starters) as BrokerName[]).filter(
    (name) => env === undefined || env === '' || env.split(',').includes(name),
  );

const log = (line: string): void => void process.stderr.write(`${line}\n`);
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** One idle client: CONNECT, wait for the 4-byte CONNACK (rejects on refusal, close or timeout). */
function openIdle(port: number, index: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = netConnect({ port, host: '127.0.0.1' });
    const timer = setTimeout(() => fail(new Error('no CONNACK within 10 s')), 10_000);
    let got = Buffer.alloc(0);
    const fail = (error: Error): void => {
      clearTimeout(timer);
      socket.destroy();
      reject(error);
    };
    socket.on('error', fail);
    socket.on('close', () => fail(new Error('closed before CONNACK')));
    socket.on('data', (chunk: Buffer) => {
      got = Buffer.concat([got, chunk]);
      if (got.length < 4) return;
      clearTimeout(timer);
      socket.removeAllListeners('close');
      socket.removeAllListeners('data');
      if (got[0] !== 0x20 || got[3] !== 0) fail(new Error(`refused: ${got.toString('hex')}`));
      else resolve(socket);
    });
    socket.write(
      encode(
        {
          type: 'connect',
          protocolName: 'MQTT',
          protocolLevel: 4,
          cleanStart: true,
          keepAlive: 60,
          clientId: `idle-${index}`,
        },
        4,
      ),
    );
  });
}

interface Measured {
  connections: number;
  rssBefore: number;
  rssAfter: number;
  bytesPerConnection: number;
  connectSeconds: number;
}

async function measure(broker: PeerBroker): Promise<Measured> {
  await sleep(settleMs);
  const rssBefore = rssBytes(broker.pid);
  if (rssBefore === undefined) throw new Error('cannot read the broker RSS from /proc');
  const sockets: Socket[] = [];
  const t0 = performance.now();
  try {
    for (let i = 0; i < wanted; i += BATCH) {
      const batch = Array.from({ length: Math.min(BATCH, wanted - i) }, (_, k) =>
        openIdle(broker.port, i + k),
      );
      sockets.push(...(await Promise.all(batch)));
    }
    const connectSeconds = (performance.now() - t0) / 1000;
    await sleep(settleMs);
    const rssAfter = rssBytes(broker.pid) ?? rssBefore;
    return {
      connections: sockets.length,
      rssBefore,
      rssAfter,
      bytesPerConnection: (rssAfter - rssBefore) / sockets.length,
      connectSeconds,
    };
  } finally {
    for (const socket of sockets) socket.destroy();
  }
}

const results: Partial<Record<BrokerName, Measured | string>> = {};
for (const name of pick(process.env['BENCH_BROKERS'])) {
  const start = starters[name];
  if (start === undefined) {
    results[name] = 'not installed';
    continue;
  }
  let broker: PeerBroker;
  try {
    broker = await start();
  } catch (error) {
    results[name] = `did not start: ${(error as Error).message.split('\n').slice(0, 2).join(' ')}`;
    continue;
  }
  try {
    log(`${name}: ${wanted} idle connections (pid ${broker.pid}) ...`);
    results[name] = await measure(broker);
  } catch (error) {
    results[name] = `failed: ${(error as Error).message}`;
  } finally {
    await broker.close();
  }
  await sleep(1000); // let the kernel release the closed sockets before the next broker
}

if (json) {
  process.stdout.write(`${JSON.stringify({ connections: wanted, results }, null, 2)}\n`);
} else {
  const perConnection = (r: Measured | string | undefined): number | undefined =>
    typeof r === 'object' ? r.bytesPerConnection : undefined;
  const ours = perConnection(results.ours);
  const lines = [
    `Memory per idle connection (MQTT 3.1.1, keep-alive 60 s), ${wanted} connections, RSS of each broker process`,
    'broker     RSS before MiB  RSS after MiB  KiB/connection  ours/peer',
  ];
  for (const [name, r] of Object.entries(results)) {
    if (typeof r !== 'object') {
      lines.push(`${name.padEnd(9)}  ${r ?? ''}`);
      continue;
    }
    const ratio =
      ours === undefined || r.bytesPerConnection <= 0 ? '—' : (ours / r.bytesPerConnection).toFixed(2);
    lines.push(
      `${name.padEnd(9)}  ${mib(r.rssBefore).padStart(14)}  ${mib(r.rssAfter).padStart(13)}  ${(r.bytesPerConnection / 1024).toFixed(2).padStart(14)}  ${ratio.padStart(9)}`,
    );
  }
  process.stdout.write(`${lines.join('\n')}\n`);
}
