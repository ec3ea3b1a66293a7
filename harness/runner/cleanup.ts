// After a scenario: clear the retained messages it left under its topic prefix, so runs can repeat
// against a persistent broker. A fresh client subscribes to `<prefix>#`, collects what the broker
// holds (a PINGREQ after the SUBACK marks the end: replies come in order), and publishes an empty
// retained message to each topic found or known.
import type { Endpoint } from '../targets/index.js';
import { ScenarioClient, waitFor } from '../steps/index.js';
import type { MqttVersion } from '../vocabulary.js';

export async function clearRetained(options: {
  endpoint: Endpoint;
  version: MqttVersion;
  clientId: string;
  prefix: string;
  known: Iterable<string>;
  credentials: { username?: string; password?: string };
  timeoutMs: number;
}): Promise<void> {
  const signal = AbortSignal.timeout(options.timeoutMs * 2);
  const client = new ScenarioClient({
    name: 'cleanup',
    clientId: options.clientId,
    version: options.version,
    autoAck: false,
    clock: () => 0,
  });
  try {
    await client.open(options.endpoint, options.timeoutMs, signal);
    client.send({
      type: 'connect',
      protocolName: 'MQTT',
      protocolLevel: client.level,
      cleanStart: true,
      keepAlive: 30,
      clientId: options.clientId,
      ...(options.credentials.username !== undefined && { username: options.credentials.username }),
      ...(options.credentials.password !== undefined && {
        password: Buffer.from(options.credentials.password),
      }),
    });
    const topics = new Set(options.known);
    const waitType = async (type: string): Promise<boolean> => {
      const found = await waitFor(
        [client],
        () => {
          for (const event of [...client.pending()]) {
            client.consume(event);
            if (event.kind !== 'packet') throw new Error('cleanup connection closed');
            if (event.packet.type === 'publish' && event.packet.retain && event.packet.payload.length > 0) {
              topics.add(event.packet.topic);
            }
            if (event.packet.type === type) return true;
          }
          return undefined;
        },
        options.timeoutMs,
        signal,
      );
      return found === true;
    };
    if (!(await waitType('connack'))) return;
    if (options.prefix !== '') {
      client.send({
        type: 'subscribe',
        packetId: 1,
        subscriptions: [{ topicFilter: `${options.prefix}#`, qos: 0 }],
      });
      if (!(await waitType('suback'))) return;
      client.send({ type: 'pingreq' });
      await waitType('pingresp');
    }
    for (const topic of topics) {
      client.send({ type: 'publish', topic, payload: Buffer.alloc(0), qos: 0, retain: true, dup: false });
    }
    client.send({ type: 'pingreq' });
    await waitType('pingresp');
    client.send({ type: 'disconnect' });
    client.end();
  } catch {
    // Best effort: a broker that is gone has no retained messages to clear.
  } finally {
    client.destroy();
  }
}
