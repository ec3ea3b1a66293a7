// Memory under abuse: a subscriber that stops reading its socket while publishers flood its topic.
// Our broker, Mosquitto and Aedes, each in its own child process, under the same load from this
// process; the broker's RSS is sampled every second. Memory must level off: the figure is the slope
// of RSS over the second half of the run (MiB/s), next to the start, peak and end values. RSS of a
// garbage-collected process grows in steps (V8 enlarges its heap under a high allocation rate), so
// for our broker the verdict uses its live heap after a forced GC every 5 s (heap + array buffers,
// reported by serve-ours.ts under --expose-gc): a leak is a line that keeps rising.
//   qos0-stalled       one QoS 0 subscriber stalls; 1 KiB QoS 0 messages flood its topic
//   mixed-64k-stalled  one QoS 1 subscriber stalls; 64 KiB messages flood its topic at QoS 0 and,
//                      from a second publisher, at QoS 1 with 64 unacknowledged
//   npm run bench:broker-soak   (BENCH_SECONDS=60 BENCH_CASES=... BENCH_BROKERS=ours,mosquitto,aedes)
import { openClient, subscribe, type BenchClient } from './lib/bench-client.js';
import { flood, publishBatch } from './lib/cases.js';
import { MOSQUITTO_BIN, startMosquitto, type PeerBroker } from './lib/mosquitto.js';
import { startNodeBroker } from './lib/node-broker.js';
import { mib, sampleRss, slope, type RssSample } from './lib/rss.js';

const seconds = Number(process.env['BENCH_SECONDS'] ?? 60);
const json = process.argv.includes('--json');
/** A second-half slope below this counts as levelled off (GC and allocator noise stay under it). */
const FLAT_MIB_PER_S = 0.1;
/** Our live heap after GC may rise less than this over the second half (a leak of one small object per dropped message would be far above). */
const FLAT_HEAP_KIB_PER_S = 10;
/** A broker whose RSS passes this is stopped early (the machine is shared): the case reports it. */
const RSS_LIMIT_BYTES = Number(process.env['BENCH_RSS_LIMIT_MB'] ?? 2048) * 1024 * 1024;

type BrokerName = 'ours' | 'mosquitto' | 'aedes';
type CaseName = 'qos0-stalled' | 'mixed-64k-stalled';
const starters: Record<BrokerName, (() => Promise<PeerBroker>) | undefined> = {
  ours: () => startNodeBroker('ours', 'serve-ours.ts', undefined, ['--expose-gc']),
  mosquitto: MOSQUITTO_BIN === undefined ? undefined : () => startMosquitto(),
  aedes: () => startNodeBroker('aedes', 'serve-aedes.ts'),
};

const log = (line: string): void => void process.stderr.write(`${line}\n`);
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

interface Run {
  published: number;
  /** QoS 1 messages the broker acknowledged (mixed case). */
  acknowledged: number;
  /** Seconds into the run when the RSS limit stopped the case, if it did. */
  stoppedAt: number | undefined;
  /** The broker closed the stalled subscriber (seen when it reads again at the end). */
  subscriberClosed: boolean;
  samples: RssSample[];
  /** Our broker only: live heap + array buffers after a forced GC. */
  heap: RssSample[];
}

async function stalledSubscriber(port: number, topic: string, qos: 0 | 1): Promise<BenchClient> {
  const sub = await openClient(port, `soak-sub-${qos}`);
  await subscribe(sub, topic, qos);
  sub.socket.pause(); // never reads again
  return sub;
}

async function runCase(name: CaseName, broker: PeerBroker): Promise<Run> {
  const topic = `soak/${name}`;
  const sub = await stalledSubscriber(broker.port, topic, name === 'qos0-stalled' ? 0 : 1);
  const t0 = performance.now();
  let subscriberClosed = false;
  sub.socket.once('close', () => (subscriberClosed = true));
  const heap: RssSample[] = [];
  const gcTimer = broker.name === 'ours' ? setInterval(() => askHeap(broker), 5000) : undefined;
  const heapReader = setInterval(() => readHeap(broker, heap, t0), 1000);
  const state = { stop: false, published: 0 };
  const clients: BenchClient[] = [sub];
  const loops: Promise<void>[] = [];
  let acknowledged = 0;
  const sampler = sampleRss(broker.pid);
  if (name === 'qos0-stalled') {
    const pub = await openClient(broker.port, 'soak-pub-0');
    clients.push(pub);
    loops.push(flood(pub, publishBatch(topic, Buffer.alloc(1024, 0x61), 50), 50, state));
  } else {
    const payload = Buffer.alloc(64 * 1024, 0x62);
    const pub0 = await openClient(broker.port, 'soak-pub-0');
    const pub1 = await openClient(broker.port, 'soak-pub-1');
    clients.push(pub0, pub1);
    loops.push(flood(pub0, publishBatch(topic, payload, 4), 4, state));
    let nextId = 0;
    const send = (): void => {
      nextId = (nextId % 65535) + 1;
      state.published++;
      pub1.send({ type: 'publish', topic, payload, qos: 1, retain: false, dup: false, packetId: nextId });
    };
    pub1.onFrame((f) => {
      if (f.type !== 4) return;
      acknowledged++;
      if (!state.stop) send();
    });
    for (let k = 0; k < 64; k++) send();
  }
  let stoppedAt: number | undefined;
  for (let waited = 0; waited < seconds * 1000 && stoppedAt === undefined; waited += 250) {
    await sleep(250);
    const last = sampler.latest();
    if (last !== undefined && last.bytes > RSS_LIMIT_BYTES) stoppedAt = last.t;
  }
  state.stop = true;
  const samples = sampler.stop();
  clearInterval(gcTimer);
  clearInterval(heapReader);
  await Promise.race([Promise.all(loops), sleep(1000)]);
  // reading again: a connection the broker closed meanwhile ends once its buffered bytes are read
  sub.socket.resume();
  await Promise.race([new Promise((r) => sub.socket.once('close', r)), sleep(3000)]);
  for (const c of clients) c.close();
  return { published: state.published, acknowledged, stoppedAt, subscriberClosed, samples, heap };
}

const seen = new WeakMap<PeerBroker, number>();

/** Asks our broker for its live heap (serve-ours.ts answers SIGUSR2 on stdout). */
function askHeap(broker: PeerBroker): void {
  if (broker.pid !== undefined) process.kill(broker.pid, 'SIGUSR2');
}

function readHeap(broker: PeerBroker, heap: RssSample[], t0: number): void {
  const output = broker.output?.() ?? '';
  const lines = output.split('\n').filter((line) => line.startsWith('memory '));
  const count = lines.length;
  if (count === 0 || seen.get(broker) === count) return;
  seen.set(broker, count);
  const latest = JSON.parse(lines[count - 1]!.slice('memory '.length)) as {
    heapUsed: number;
    arrayBuffers: number;
  };
  heap.push({ t: (performance.now() - t0) / 1000, bytes: latest.heapUsed + latest.arrayBuffers });
}

const pick = <T extends string>(all: T[], env: string | undefined): T[] =>
  env === undefined || env === '' ? all : all.filter((n) => env.split(',').includes(n));
const caseNames = pick<CaseName>(['qos0-stalled', 'mixed-64k-stalled'], process.env['BENCH_CASES']);
const brokerNames = pick(Object.keys(starters) as BrokerName[], process.env['BENCH_BROKERS']);
const results: Partial<Record<CaseName, Partial<Record<BrokerName, Run | string>>>> = {};

for (const caseName of caseNames) {
  results[caseName] = {};
  for (const brokerName of brokerNames) {
    const start = starters[brokerName];
    if (start === undefined) {
      results[caseName][brokerName] = 'not installed';
      continue;
    }
    let broker: PeerBroker;
    try {
      broker = await start();
    } catch (error) {
      results[caseName][brokerName] =
        `did not start: ${(error as Error).message.split('\n').slice(0, 2).join(' ')}`;
      continue;
    }
    try {
      log(`${caseName} on ${brokerName} for ${seconds} s (pid ${broker.pid}) ...`);
      results[caseName][brokerName] = await runCase(caseName, broker);
    } catch (error) {
      results[caseName][brokerName] = `failed: ${(error as Error).message}`;
    } finally {
      await broker.close();
    }
  }
}

if (json) {
  process.stdout.write(`${JSON.stringify({ seconds, results }, null, 2)}\n`);
} else {
  const lines = [
    `Memory with a stalled subscriber, ${seconds} s per case; RSS of each broker process (MiB), slope over the second half`,
    'case               broker     start   peak    end  RSS MiB/s  live heap MiB start/end, KiB/s  levels off  published  QoS 1 acked  subscriber closed',
  ];
  for (const [caseName, perBroker] of Object.entries(results)) {
    for (const [brokerName, r] of Object.entries(perBroker)) {
      if (typeof r !== 'object') {
        lines.push(`${caseName.padEnd(17)}  ${brokerName.padEnd(9)}  ${r ?? ''}`);
        continue;
      }
      const bytes = r.samples.map((s) => s.bytes);
      const rssSlope = r.stoppedAt === undefined ? slope(r.samples, seconds / 2) : undefined;
      const rssPerSecond = rssSlope === undefined ? undefined : rssSlope / 1024 / 1024;
      const heapSlope = r.heap.length > 0 ? slope(r.heap, seconds / 2) : undefined;
      const heapPerSecond = heapSlope === undefined ? undefined : heapSlope / 1024;
      const flat =
        r.stoppedAt !== undefined
          ? false
          : heapPerSecond !== undefined
            ? heapPerSecond < FLAT_HEAP_KIB_PER_S
            : rssPerSecond !== undefined && rssPerSecond < FLAT_MIB_PER_S;
      const heapText =
        r.heap.length === 0
          ? '—'
          : `${mib(r.heap[0]!.bytes)}/${mib(r.heap.at(-1)!.bytes)}, ${heapPerSecond === undefined ? '—' : heapPerSecond.toFixed(1)}`;
      lines.push(
        [
          caseName.padEnd(17),
          brokerName.padEnd(9),
          mib(bytes[0]).padStart(6),
          mib(Math.max(...bytes)).padStart(6),
          mib(bytes.at(-1)).padStart(6),
          (rssPerSecond === undefined ? '—' : rssPerSecond.toFixed(3)).padStart(9),
          heapText.padStart(31),
          (flat ? 'yes' : 'NO').padStart(10),
          String(r.published).padStart(9),
          String(r.acknowledged).padStart(11),
          (r.subscriberClosed ? 'yes' : 'no').padStart(17),
          r.stoppedAt === undefined
            ? ''
            : `stopped at ${r.stoppedAt.toFixed(0)} s: RSS over ${mib(RSS_LIMIT_BYTES)} MiB`,
        ].join('  '),
      );
    }
  }
  lines.push(
    `Levels off: our live heap after GC rises under ${FLAT_HEAP_KIB_PER_S} KiB/s over the second half; peers (no such view): RSS under ${FLAT_MIB_PER_S} MiB/s.`,
  );
  process.stdout.write(`${lines.join('\n')}\n`);
}
