// The health probe: a fresh client connects, subscribes at QoS 1 to a topic of its own, publishes
// one QoS 1 message to it and must get it back, all within a deadline. Run during and after every
// phase; a failed probe is a fuzz failure.
import type { Address } from './client.js';
import { connectClient, type RawClient } from './client.js';

export interface ProbeResult {
  ok: boolean;
  /** Round trip (connect to delivery) in ms, or the time until it failed. */
  ms: number;
  error?: string;
}

let probes = 0;

export async function probe(address: Address, timeoutMs: number): Promise<ProbeResult> {
  const begin = performance.now();
  const id = `fuzz-probe-${process.pid}-${probes++}`;
  const topic = `fuzz-probe/${id}`;
  const payload = Buffer.from(`probe ${id}`);
  let client: RawClient | undefined;
  try {
    client = await connectClient(address, { clientId: id, timeoutMs });
    client.send({ type: 'subscribe', packetId: 1, subscriptions: [{ topicFilter: topic, qos: 1 }] });
    const suback = await client.next((packet) => packet.type === 'suback', timeoutMs);
    if (suback.type === 'suback' && (suback.reasonCodes[0] ?? 0x80) >= 0x80) {
      throw new Error('SUBSCRIBE refused');
    }
    client.send({ type: 'publish', topic, payload, qos: 1, retain: false, dup: false, packetId: 2 });
    const delivered = await client.next(
      (packet) => packet.type === 'publish' && packet.topic === topic,
      timeoutMs,
    );
    if (delivered.type === 'publish' && delivered.packetId !== undefined) {
      client.send({ type: 'puback', packetId: delivered.packetId });
    }
    client.send({ type: 'disconnect' });
    return { ok: true, ms: Math.round(performance.now() - begin) };
  } catch (error) {
    return { ok: false, ms: Math.round(performance.now() - begin), error: (error as Error).message };
  } finally {
    client?.socket.end();
    setTimeout(() => client?.destroy(), 1000).unref();
  }
}
