// One MQTT CONNECT over a fresh TCP connection, timed from the CONNECT write to the CONNACK: the
// login latency a device sees. Raw socket and our encoder; every wait bounded.
import { connect as netConnect } from 'node:net';
import { encode, type ProtocolLevel } from '../../wire/index.js';

export interface LoginAttempt {
  /** CONNACK return code (3.1.1) / reason code (5.0); undefined when the broker closed or timed out. */
  code: number | undefined;
  /** Milliseconds from the CONNECT write to the CONNACK (or to the close). */
  ms: number;
}

export function timedLogin(options: {
  port: number;
  clientId: string;
  username: string;
  password: string;
  version?: ProtocolLevel;
  /** Local source address (127.0.0.x tells sources apart on loopback). */
  localAddress?: string;
  timeoutMs?: number;
}): Promise<LoginAttempt> {
  const version = options.version ?? 4;
  return new Promise((resolve) => {
    const socket = netConnect({
      port: options.port,
      host: '127.0.0.1',
      ...(options.localAddress === undefined ? {} : { localAddress: options.localAddress }),
    });
    socket.setNoDelay(true);
    let t0 = 0;
    let got = Buffer.alloc(0);
    let done = false;
    const finish = (code: number | undefined): void => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      socket.destroy();
      resolve({ code, ms: t0 === 0 ? 0 : performance.now() - t0 });
    };
    const timer = setTimeout(() => finish(undefined), options.timeoutMs ?? 30_000);
    socket.on('error', () => finish(undefined));
    socket.on('close', () => finish(undefined));
    socket.on('connect', () => {
      t0 = performance.now();
      socket.write(
        encode(
          {
            type: 'connect',
            protocolName: 'MQTT',
            protocolLevel: version,
            cleanStart: true,
            keepAlive: 30,
            clientId: options.clientId,
            username: options.username,
            password: Buffer.from(options.password),
          },
          version,
        ),
      );
    });
    socket.on('data', (chunk: Buffer) => {
      got = Buffer.concat([got, chunk]);
      // CONNACK: 0x20, remaining length, flags, code (3.1.1 return code / 5.0 reason code)
      if (got.length >= 4 && got[0] === 0x20) finish(got[3]);
    });
  });
}

/** The p-th percentile (0..100) of `values` (nearest rank); undefined when empty. */
export function percentile(values: readonly number[], p: number): number | undefined {
  if (values.length === 0) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank];
}
