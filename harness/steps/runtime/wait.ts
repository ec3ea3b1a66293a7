// Waiting on client inboxes with a timeout and an AbortSignal; nothing here can hang.
import type { ScenarioClient } from './client.js';

export class AbortedError extends Error {
  constructor(reason: unknown) {
    super(reason instanceof Error ? reason.message : typeof reason === 'string' ? reason : 'aborted');
    this.name = 'AbortedError';
  }
}

/**
 * Evaluate `check` now and whenever one of `clients` receives something, until it returns a value
 * (resolved with it) or `timeoutMs` passes (resolved with 'timeout'). Rejects with AbortedError
 * when `signal` aborts; `check` may throw to fail the wait.
 */
export function waitFor<T>(
  clients: readonly ScenarioClient[],
  check: () => T | undefined,
  timeoutMs: number,
  signal: AbortSignal,
): Promise<T | 'timeout'> {
  return new Promise<T | 'timeout'>((resolve, reject) => {
    const unwatch: (() => void)[] = [];
    const pending: { timer?: NodeJS.Timeout } = {};
    let done = false;
    const finish = (action: () => void): void => {
      done = true;
      for (const stop of unwatch) stop();
      clearTimeout(pending.timer);
      signal.removeEventListener('abort', onAbort);
      action();
    };
    const evaluate = (): boolean => {
      if (done) return true;
      try {
        const result = check();
        if (result === undefined) return false;
        finish(() => resolve(result));
      } catch (error) {
        finish(() => reject(error as Error));
      }
      return true;
    };
    const onAbort = (): void => finish(() => reject(new AbortedError(signal.reason)));
    if (signal.aborted) {
      onAbort();
      return;
    }
    if (evaluate()) return;
    signal.addEventListener('abort', onAbort, { once: true });
    pending.timer = setTimeout(() => {
      if (!evaluate()) finish(() => resolve('timeout'));
    }, timeoutMs);
    for (const client of clients) unwatch.push(client.watch(() => void evaluate()));
  });
}

export function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    if (signal.aborted) {
      reject(new AbortedError(signal.reason));
      return;
    }
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(new AbortedError(signal.reason));
    };
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}
