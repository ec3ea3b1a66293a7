// startProxyThread: the proxy of a network profile in a worker thread of its own. In the calling
// thread the proxy would share one event loop with an in-process broker and the load runner: under
// load its timers fire late and `lan` (1 ms RTT) measured 14 ms. In its own thread it keeps its
// schedule (docs/network.md, "Where the proxy runs"). Figures are asked for by message.
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { NetworkError, type NetworkErrorCode } from './errors.js';
import type { ProxyControl, ProxySnapshot } from './proxy-control.js';
import type { MeasuredEffect } from './stats.js';
import type { ResolvedProfile } from './schema.js';

/** What a proxy thread is started with: plain data (it crosses to the thread by structured clone). */
export interface ThreadProxyOptions {
  profile: ResolvedProfile;
  upstream: { host: string; port: number };
  listen?: { host?: string; port?: number };
  scanMqtt?: boolean;
  connectTimeoutMs?: number;
}

export type ThreadRequest = { id: number } & (
  { op: 'snapshot' } | { op: 'open-window' } | { op: 'close-window'; window: number } | { op: 'close' }
);

export type ThreadMessage =
  | { type: 'ready'; host: string; port: number }
  | { type: 'failed'; code: NetworkErrorCode; message: string }
  | { type: 'answer'; id: number; result?: unknown; error?: string };

type Pending = { resolve(value: unknown): void; reject(error: Error): void };

export async function startProxyThread(options: ThreadProxyOptions): Promise<ProxyControl> {
  const worker = spawnProxyWorker(options);
  const pending = new Map<number, Pending>();
  let nextId = 1;
  let exited: NetworkError | undefined;
  const exit = new Promise<void>((resolve) =>
    worker.once('exit', (code) => {
      exited = new NetworkError('PROXY_LISTEN_FAILED', `proxy thread exited (code ${code})`);
      for (const request of pending.values()) request.reject(exited);
      pending.clear();
      resolve();
    }),
  );
  const ready = new Promise<{ host: string; port: number }>((resolve, reject) => {
    worker.on('message', (message: ThreadMessage) => {
      if (message.type === 'ready') resolve({ host: message.host, port: message.port });
      else if (message.type === 'failed') reject(new NetworkError(message.code, message.message));
      else {
        const request = pending.get(message.id);
        pending.delete(message.id);
        if (message.error !== undefined) request?.reject(new Error(message.error));
        else request?.resolve(message.result);
      }
    });
    worker.once('error', reject);
    void exit.then(() => reject(exited ?? new Error('proxy thread exited')));
  });
  let address: { host: string; port: number };
  try {
    address = await ready;
  } catch (error) {
    await worker.terminate();
    throw error;
  }
  const ask = <T>(request: ThreadRequest): Promise<T> => {
    if (exited) return Promise.reject(exited);
    return new Promise<T>((resolve, reject) => {
      pending.set(request.id, { resolve: resolve as (value: unknown) => void, reject });
      worker.postMessage(request);
    });
  };
  let closing: Promise<MeasuredEffect> | undefined;
  let last: MeasuredEffect | undefined;
  return {
    ...address,
    runsIn: 'worker-thread',
    snapshot: () => ask<ProxySnapshot>({ id: nextId++, op: 'snapshot' }),
    openWindow: () => ask<number>({ id: nextId++, op: 'open-window' }),
    closeWindow: (window) => ask<MeasuredEffect>({ id: nextId++, op: 'close-window', window }),
    close: () =>
      (closing ??= (async () => {
        try {
          last = await ask<MeasuredEffect>({ id: nextId++, op: 'close' });
        } catch {
          last = { bytes: { upstream: 0, downstream: 0 }, connections: 0 }; // the thread was gone
        }
        await worker.terminate();
        await exit;
        return last;
      })()),
  };
}

/**
 * Compiled builds run dist/harness/network/proxy-worker.js. Under tsx or vitest this module is a .ts
 * file: a small eval bootstrap registers tsx's ESM hooks inside the worker, then imports the .ts entry
 * (`--import tsx` in a Worker's execArgv does not reach the worker's loader on Node 20).
 */
function spawnProxyWorker(options: ThreadProxyOptions): Worker {
  if (!import.meta.url.endsWith('.ts'))
    return new Worker(new URL('./proxy-worker.js', import.meta.url), { workerData: options });
  const tsxApi = pathToFileURL(
    createRequire(import.meta.url)
      .resolve('tsx/esm/api')
      .replace(/\.cjs$/, '.mjs'),
  ).href;
  const entry = new URL('./proxy-worker.ts', import.meta.url).href;
  const bootstrap = `import(${JSON.stringify(tsxApi)}).then((api) => { api.register(); return import(${JSON.stringify(entry)}); });`;
  return new Worker(bootstrap, { eval: true, workerData: options });
}
