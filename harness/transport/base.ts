// What the transports share: listener bookkeeping (data before a listener is attached is buffered,
// the close notification is delivered exactly once), the settle-once connect attempt with its
// timeout and abort signal, and the Connection object around a transport's own write/end/destroy.
import { TransportError } from '../errors.js';
import type { CloseInfo, ConnectOptions, Connection } from './types.js';

export class ConnectionEvents {
  private dataListeners: ((chunk: Buffer) => void)[] = [];
  private closeListeners: ((info: CloseInfo) => void)[] = [];
  private pending: Buffer[] = [];
  private closeInfo: CloseInfo | undefined;

  get closed(): boolean {
    return this.closeInfo !== undefined;
  }

  onData(listener: (chunk: Buffer) => void): void {
    this.dataListeners.push(listener);
    const pending = this.pending;
    this.pending = [];
    for (const chunk of pending) listener(chunk);
  }

  onClose(listener: (info: CloseInfo) => void): void {
    if (this.closeInfo) listener(this.closeInfo);
    else this.closeListeners.push(listener);
  }

  data(chunk: Buffer): void {
    if (this.dataListeners.length === 0) this.pending.push(chunk);
    for (const listener of this.dataListeners) listener(chunk);
  }

  close(info: CloseInfo): void {
    if (this.closeInfo) return;
    this.closeInfo = info;
    for (const listener of this.closeListeners) listener(info);
    this.closeListeners = [];
  }
}

export function describeError(error: unknown): string {
  if (error instanceof Error) {
    const code = (error as NodeJS.ErrnoException).code;
    return code ? `${code}: ${error.message}` : error.message;
  }
  return String(error);
}

export function isReset(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  return code === 'ECONNRESET' || code === 'EPIPE';
}

/** One connect attempt: the first of success, failure, timeout or abort settles it. */
export interface ConnectAttempt {
  readonly settled: boolean;
  /** Tears the half-open connection down and rejects with a TransportError; ignored once settled. */
  fail(reason: string, message: string, cause?: unknown): void;
  /** Resolves the connect; ignored once settled. */
  succeed(connection: Connection): void;
}

/**
 * Runs `start` (which opens the connection, wires its events to the attempt and returns how to tear
 * it down) under the connect timeout (default 5000 ms) and the abort signal of `options`.
 */
export function connectWithin(
  options: ConnectOptions,
  timeoutMessage: (timeoutMs: number) => string,
  start: (attempt: ConnectAttempt, timeoutMs: number) => () => void,
): Promise<Connection> {
  const timeoutMs = options.timeoutMs ?? 5000;
  return new Promise<Connection>((resolve, reject) => {
    if (options.signal?.aborted) {
      reject(new TransportError('aborted', 'connect aborted'));
      return;
    }
    let settled = false;
    let teardown: () => void = () => undefined;
    const settle = (): boolean => {
      if (settled) return false;
      settled = true;
      clearTimeout(timer);
      options.signal?.removeEventListener('abort', onAbort);
      return true;
    };
    const attempt: ConnectAttempt = {
      get settled() {
        return settled;
      },
      fail(reason, message, cause) {
        if (!settle()) return;
        teardown();
        reject(new TransportError(reason, message, { cause }));
      },
      succeed(connection) {
        if (settle()) resolve(connection);
      },
    };
    const onAbort = (): void => attempt.fail('aborted', 'connect aborted');
    const timer = setTimeout(() => attempt.fail('timeout', timeoutMessage(timeoutMs)), timeoutMs);
    options.signal?.addEventListener('abort', onAbort, { once: true });
    // The connection's events arrive later, never during start: teardown is set before fail can run.
    teardown = start(attempt, timeoutMs);
  });
}

/** The Connection around a transport's own write, end and destroy; listeners and state from `events`. */
export function connectionOf(
  transport: string,
  events: ConnectionEvents,
  own: Pick<Connection, 'write' | 'end' | 'destroy'>,
): Connection {
  return {
    transport,
    write: (data) => own.write(data),
    onData: (listener) => events.onData(listener),
    onClose: (listener) => events.onClose(listener),
    end: () => own.end(),
    destroy: () => own.destroy(),
    get closed() {
      return events.closed;
    },
  };
}
