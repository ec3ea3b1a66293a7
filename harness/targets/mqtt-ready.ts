// Waiting until a started broker speaks MQTT: an open port is not enough (a JVM broker accepts TCP
// before its MQTT codec is loaded, an Erlang node opens its listener before the plugin is ready), so
// readiness is one CONNECT answered by CONNACK 0.
import { connect } from 'node:net';
import { encode, PacketDecoder } from '../../wire/index.js';

export interface MqttReadyOptions {
  host: string;
  port: number;
  username?: string | undefined;
  password?: string | undefined;
  timeoutMs: number;
  signal?: AbortSignal | undefined;
  /** Stop waiting early when this returns a reason (e.g. the process exited). */
  giveUp?: () => string | undefined;
}

const ATTEMPT_LIMIT_MS = 3000;

/** Polls until a 3.1.1 CONNECT gets CONNACK 0. Resolves undefined on success, else why it gave up. */
export async function waitForMqtt(options: MqttReadyOptions): Promise<string | undefined> {
  const deadline = Date.now() + options.timeoutMs;
  let delay = 50;
  let last = 'no attempt made';
  for (let attempt = 1; ; attempt++) {
    if (options.signal?.aborted) return 'aborted';
    const reason = options.giveUp?.();
    if (reason !== undefined) return reason;
    const left = deadline - Date.now();
    if (left <= 0) {
      return `no CONNACK from ${options.host}:${options.port} within ${options.timeoutMs} ms (last attempt: ${last})`;
    }
    const outcome = await connectOnce(options, attempt, Math.min(left, ATTEMPT_LIMIT_MS));
    if (outcome === undefined) return undefined;
    last = outcome;
    await new Promise((resolve) => setTimeout(resolve, Math.min(delay, Math.max(left, 1))));
    delay = Math.min(delay * 2, 500);
  }
}

/** One CONNECT → CONNACK exchange; undefined when accepted, else what happened. */
function connectOnce(
  options: MqttReadyOptions,
  attempt: number,
  timeoutMs: number,
): Promise<string | undefined> {
  const packet = encode(
    {
      type: 'connect',
      protocolName: 'MQTT',
      protocolLevel: 4,
      cleanStart: true,
      keepAlive: 30,
      clientId: `harness-ready-${process.pid}-${attempt}`,
      ...(options.username === undefined ? {} : { username: options.username }),
      ...(options.password === undefined ? {} : { password: Buffer.from(options.password) }),
    },
    4,
  );
  const decoder = new PacketDecoder({ role: 'client', version: 4 });
  return new Promise((resolve) => {
    const socket = connect({ host: options.host, port: options.port });
    const finish = (result: string | undefined): void => {
      clearTimeout(timer);
      socket.destroy();
      resolve(result);
    };
    const timer = setTimeout(() => finish(`no CONNACK within ${timeoutMs} ms`), timeoutMs);
    socket.once('connect', () => socket.write(packet));
    socket.once('error', (error) => finish(error.message));
    socket.once('close', () => finish('connection closed before CONNACK'));
    socket.on('data', (chunk: Buffer) => {
      let packets;
      try {
        packets = decoder.push(chunk);
      } catch (error) {
        finish(`undecodable answer: ${(error as Error).message}`);
        return;
      }
      const first = packets[0];
      if (first === undefined) return;
      if (first.type !== 'connack') return finish(`answered ${first.type} instead of CONNACK`);
      if (first.reasonCode !== 0) return finish(`CONNACK return code ${first.reasonCode}`);
      socket.end(encode({ type: 'disconnect' }, 4));
      finish(undefined);
    });
  });
}
