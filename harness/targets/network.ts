// Small TCP helpers for starting local brokers: a free port, and waiting until a port accepts.
import { connect, createServer } from 'node:net';

/** A port the OS reports free right now (it may be taken again before the broker binds it). */
export function freePort(host = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, host, () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** Tries one TCP connection; resolves true when it is accepted within `timeoutMs`. */
export function canConnect(host: string, port: number, timeoutMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    const done = (ok: boolean): void => {
      clearTimeout(timer);
      socket.destroy();
      resolve(ok);
    };
    const timer = setTimeout(() => done(false), timeoutMs);
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

export interface WaitForPortOptions {
  host: string;
  port: number;
  timeoutMs: number;
  signal?: AbortSignal | undefined;
  /** Stop waiting early when this returns a reason (e.g. the process exited). */
  giveUp?: () => string | undefined;
}

/** Polls until the port accepts a connection. Resolves undefined on success, else the reason it gave up. */
export async function waitForPort(options: WaitForPortOptions): Promise<string | undefined> {
  const deadline = Date.now() + options.timeoutMs;
  let delay = 20;
  while (true) {
    if (options.signal?.aborted) return 'aborted';
    const reason = options.giveUp?.();
    if (reason !== undefined) return reason;
    const left = deadline - Date.now();
    if (left <= 0)
      return `no connection accepted on ${options.host}:${options.port} within ${options.timeoutMs} ms`;
    if (await canConnect(options.host, options.port, Math.min(left, 1000))) return undefined;
    await new Promise((resolve) => setTimeout(resolve, Math.min(delay, Math.max(left, 1))));
    delay = Math.min(delay * 2, 200);
  }
}
