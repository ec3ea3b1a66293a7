// The load shapes of the broker benchmark. Each runs for `seconds` against a broker on `port` and
// returns messages delivered to subscribers per second. Clients speak MQTT 3.1.1, except in the
// MQTT 5.0 cases (V5_CASES).
import { encode } from '../../wire/index.js';
import { openClient, subscribe, VERSION, type BenchClient } from './bench-client.js';

export interface CaseOptions {
  port: number;
  seconds: number;
  clients: number;
  payloadBytes: number;
  /** Called when the measured window opens and closes (e.g. to read the broker's CPU time). */
  onWindow?: (phase: 'start' | 'end') => void;
}

export interface CaseResult {
  delivered: number;
  published: number;
  seconds: number;
  rate: number;
  /** QoS 1 cases: messages the broker acknowledged to the publishers. */
  acknowledged?: number;
  /** QoS 1 cases: acknowledged messages that never reached their subscriber. */
  lost?: number;
}

export type CaseName =
  'fan-in-qos0' | 'fan-out-qos0' | 'fan-out-v5-subid-qos0' | 'pairs-qos1' | 'pairs-qos1-20x64';

/** Cases whose clients speak MQTT 5.0 (brokers without it are skipped). */
export const V5_CASES: ReadonlySet<CaseName> = new Set(['fan-out-v5-subid-qos0']);

const PUBLISH_TYPE = 3;
const PUBACK_TYPE = 4;

export function publishBatch(topic: string, payload: Buffer, count: number, version = VERSION): Buffer {
  const one = encode({ type: 'publish', topic, payload, qos: 0, retain: false, dup: false }, version);
  return Buffer.concat(Array.from({ length: count }, () => one));
}

/** Writes pre-encoded QoS 0 batches as fast as the socket drains until `stop` is set. */
export async function flood(
  client: BenchClient,
  batch: Buffer,
  perBatch: number,
  state: { stop: boolean; published: number },
): Promise<void> {
  while (!state.stop && !client.socket.destroyed) {
    state.published += perBatch;
    if (!client.socket.write(batch)) {
      await new Promise<void>((resolve) => {
        const done = (): void => {
          client.socket.off('drain', done);
          client.socket.off('close', done);
          resolve();
        };
        client.socket.once('drain', done);
        client.socket.once('close', done);
      });
    }
  }
}

async function measure(
  o: CaseOptions,
  counter: () => number,
  state: { stop: boolean },
): Promise<{ delivered: number; seconds: number }> {
  await new Promise((r) => setTimeout(r, 500)); // warm-up, not counted
  o.onWindow?.('start');
  const start = counter();
  const t0 = performance.now();
  await new Promise((r) => setTimeout(r, o.seconds * 1000));
  const delivered = counter() - start;
  const elapsed = (performance.now() - t0) / 1000;
  o.onWindow?.('end');
  state.stop = true;
  return { delivered, seconds: elapsed };
}

async function fanIn(o: CaseOptions): Promise<CaseResult> {
  const subscriber = await openClient(o.port, 'bench-sub');
  let received = 0;
  subscriber.onFrame((f) => (f.type === PUBLISH_TYPE ? received++ : undefined));
  await subscribe(subscriber, 'bench/in/+', 0);
  const publishers = await Promise.all(
    Array.from({ length: o.clients }, (_, i) => openClient(o.port, `bench-pub-${i}`)),
  );
  const state = { stop: false, published: 0 };
  const payload = Buffer.alloc(o.payloadBytes, 0x78);
  const floods = publishers.map((p, i) => flood(p, publishBatch(`bench/in/${i}`, payload, 50), 50, state));
  const m = await measure(o, () => received, state);
  await Promise.all(floods.map((f) => Promise.race([f, new Promise((r) => setTimeout(r, 1000))])));
  for (const c of [subscriber, ...publishers]) c.close();
  return { ...m, published: state.published, rate: m.delivered / m.seconds };
}

async function fanOut(o: CaseOptions, v5 = false): Promise<CaseResult> {
  let received = 0;
  const version = v5 ? 5 : VERSION;
  const subscribers = await Promise.all(
    Array.from({ length: o.clients }, (_, i) => openClient(o.port, `bench-sub-${i}`, 5000, version)),
  );
  for (const s of subscribers) {
    s.onFrame((f) => (f.type === PUBLISH_TYPE ? received++ : undefined));
    // v5: every subscriber numbers its subscription 1, as clients that count their own do, so each
    // delivery carries Subscription Identifier 1 [MQTT-3.3.4-3].
    await subscribe(s, 'bench/out', 0, v5 ? 1 : undefined);
  }
  const publisher = await openClient(o.port, 'bench-pub', 5000, version);
  const state = { stop: false, published: 0 };
  const floodDone = flood(
    publisher,
    publishBatch('bench/out', Buffer.alloc(o.payloadBytes, 0x78), 50, version),
    50,
    state,
  );
  const m = await measure(o, () => received, state);
  await Promise.race([floodDone, new Promise((r) => setTimeout(r, 1000))]);
  for (const c of [publisher, ...subscribers]) c.close();
  return { ...m, published: state.published, rate: m.delivered / m.seconds };
}

/**
 * N independent publisher → subscriber pairs at QoS 1, each publisher keeping `window` messages
 * unacknowledged (closed loop). After the window the publishers stop and the subscribers get up to
 * 5 s to receive what was acknowledged: `lost` counts messages the broker acknowledged to a
 * publisher that never reached its (connected, acknowledging) subscriber.
 */
async function pairs(o: CaseOptions, pairCount: number, window: number): Promise<CaseResult> {
  let received = 0;
  const state = { stop: false, published: 0 };
  const payload = Buffer.alloc(o.payloadBytes, 0x78);
  const clients: BenchClient[] = [];
  const loops: Promise<void>[] = [];
  const perPair: { acked: number; received: number }[] = [];
  for (let i = 0; i < pairCount; i++) {
    const counts = { acked: 0, received: 0 };
    perPair.push(counts);
    const sub = await openClient(o.port, `bench-pair-sub-${i}`);
    clients.push(sub);
    sub.onFrame((f) => {
      if (f.type !== PUBLISH_TYPE) return;
      received++;
      counts.received++;
      if (f.packetId !== 0) sub.send({ type: 'puback', packetId: f.packetId });
    });
    await subscribe(sub, `bench/pair/${i}`, 1);
    const pub = await openClient(o.port, `bench-pair-pub-${i}`);
    clients.push(pub);
    const topic = `bench/pair/${i}`;
    let nextId = 0;
    const send = (): void => {
      nextId = (nextId % 65535) + 1;
      state.published++;
      pub.send({ type: 'publish', topic, payload, qos: 1, retain: false, dup: false, packetId: nextId });
    };
    loops.push(
      new Promise<void>((resolve) => {
        pub.onFrame((f) => {
          if (f.type !== PUBACK_TYPE) return;
          counts.acked++;
          if (state.stop) resolve();
          else send();
        });
        pub.socket.once('close', () => resolve());
        for (let k = 0; k < window; k++) send();
      }),
    );
  }
  const m = await measure(o, () => received, state);
  await Promise.race([Promise.all(loops), new Promise((r) => setTimeout(r, 1000))]);
  const settled = Date.now() + 5000;
  while (Date.now() < settled && perPair.some((p) => p.received < p.acked))
    await new Promise((r) => setTimeout(r, 50));
  for (const c of clients) c.close();
  const acknowledged = perPair.reduce((sum, p) => sum + p.acked, 0);
  const lost = perPair.reduce((sum, p) => sum + Math.max(0, p.acked - p.received), 0);
  return { ...m, published: state.published, rate: m.delivered / m.seconds, acknowledged, lost };
}

export const CASES: Record<CaseName, (o: CaseOptions) => Promise<CaseResult>> = {
  'fan-in-qos0': fanIn,
  'fan-out-qos0': (o) => fanOut(o),
  'fan-out-v5-subid-qos0': (o) => fanOut(o, true),
  'pairs-qos1': (o) => pairs(o, o.clients, 32),
  // the load of the issue that found acknowledged messages lost: 20 pairs, 64 in flight each
  'pairs-qos1-20x64': (o) => pairs(o, 20, 64),
};
