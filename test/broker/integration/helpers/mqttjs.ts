// MQTT.js helpers with a timeout on every wait.
import mqtt from 'mqtt';
import type {
  IClientOptions,
  MqttClient,
  IClientPublishOptions,
  ISubscriptionGrant,
  IPublishPacket,
} from 'mqtt';

export const WAIT_MS = 5000;

export function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timeout after ${ms} ms: ${what}`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

export interface Received {
  topic: string;
  payload: string;
  packet: IPublishPacket;
}

export interface TestClient {
  client: MqttClient;
  messages: Received[];
  /** Resolves with the first (already or later) received message matching `predicate`. */
  waitFor(predicate: (m: Received) => boolean, what: string, ms?: number): Promise<Received>;
  subscribe(
    filter: string | string[],
    opts?: { qos: 0 | 1 | 2; nl?: boolean; rap?: boolean; rh?: number },
  ): Promise<ISubscriptionGrant[]>;
  publish(topic: string, payload: string | Buffer, opts?: IClientPublishOptions): Promise<void>;
  end(force?: boolean): Promise<void>;
}

/** Connects with reconnects off; rejects on CONNACK failure or after the timeout. */
export async function connectClient(url: string, options: IClientOptions = {}): Promise<TestClient> {
  const client = mqtt.connect(url, { reconnectPeriod: 0, connectTimeout: WAIT_MS, ...options });
  // listen before CONNACK: queued messages of a resumed session may arrive in the same read
  const messages: Received[] = [];
  const waiters = new Set<(m: Received) => void>();
  client.on('message', (topic, payload, packet) => {
    const received = { topic, payload: payload.toString(), packet };
    messages.push(received);
    for (const waiter of waiters) waiter(received);
  });
  await withTimeout(
    new Promise<void>((resolve, reject) => {
      client.once('connect', () => resolve());
      client.once('error', (error) => reject(error));
      client.once('close', () => reject(new Error('closed before CONNACK')));
    }),
    WAIT_MS + 1000,
    `connect ${url}`,
  ).catch((error: unknown) => {
    client.end(true);
    throw error;
  });
  client.on('error', () => undefined);
  return {
    client,
    messages,
    waitFor(predicate, what, ms = WAIT_MS) {
      const found = messages.find(predicate);
      if (found) return Promise.resolve(found);
      let waiter: ((m: Received) => void) | undefined;
      return withTimeout(
        new Promise<Received>((resolve) => {
          waiter = (m) => {
            if (predicate(m)) resolve(m);
          };
          waiters.add(waiter);
        }),
        ms,
        what,
      ).finally(() => waiters.delete(waiter!));
    },
    subscribe(filter, opts = { qos: 0 }) {
      return withTimeout(client.subscribeAsync(filter, opts), WAIT_MS, `subscribe ${String(filter)}`);
    },
    async publish(topic, payload, opts = {}) {
      await withTimeout(client.publishAsync(topic, payload, opts), WAIT_MS, `publish ${topic}`);
    },
    end(force = false) {
      return withTimeout(client.endAsync(force), WAIT_MS, 'end');
    },
  };
}

let sequence = 0;
/** A client id unique within this process run (sessions must not leak between tests). */
export function uniqueId(prefix: string): string {
  sequence += 1;
  return `${prefix}-${process.pid}-${sequence}`;
}

/** Waits a little and asserts nothing matching arrived (for "not delivered" checks). */
export async function settle(ms = 300): Promise<void> {
  await new Promise((resolve) => setTimeout(resolve, ms));
}

/** The SUBACK return / reason codes, whether MQTT.js resolves (all granted) or rejects (some refused). */
export async function subackCodes(
  c: TestClient,
  filters: string[],
  opts: { qos: 0 | 1 | 2 },
): Promise<number[]> {
  try {
    const granted = await withTimeout(c.client.subscribeAsync(filters, opts), WAIT_MS, 'subscribe');
    return granted.map((g) => g.qos);
  } catch (error) {
    const packet = (error as { packet?: { granted?: (number | { qos: number })[] } }).packet;
    if (packet?.granted === undefined) throw error;
    return packet.granted.map((g) => (typeof g === 'number' ? g : g.qos));
  }
}
