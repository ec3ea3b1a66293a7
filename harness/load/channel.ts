// The engine's line to one worker: a worker thread, or the runtime in this thread (`workers: 0`).
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { EngineMessage, WorkerMessage, WorkerPlan } from './protocol.js';
import { WorkerRuntime } from './runtime.js';

export interface Channel {
  send(message: EngineMessage): void;
  close(): Promise<void>;
}

export function openChannel(
  workerPlan: WorkerPlan,
  inProcess: boolean,
  onMessage: (message: WorkerMessage) => void,
): Channel {
  if (inProcess) {
    const runtime = new WorkerRuntime(workerPlan, (message) => setImmediate(() => onMessage(message)));
    const running = runtime.run();
    return {
      send: (message) => runtime.receive(message),
      close: async () => {
        runtime.receive({ type: 'abort' });
        await running;
      },
    };
  }
  const worker = spawnWorker(workerPlan);
  let exited = false;
  let closing = false;
  const exit = new Promise<void>((resolve) =>
    worker.once('exit', (code) => {
      exited = true;
      if (!closing) onMessage({ type: 'fatal', message: `worker exited (code ${code})` });
      resolve();
    }),
  );
  worker.on('message', (message: WorkerMessage) => {
    if (!closing) onMessage(message);
  });
  worker.on('error', (error) => {
    if (!closing) onMessage({ type: 'fatal', message: error.message });
  });
  return {
    send: (message) => {
      if (!exited) worker.postMessage(message);
    },
    close: async () => {
      closing = true;
      if (!exited) await worker.terminate();
      await exit;
    },
  };
}

/**
 * Compiled builds run dist/harness/load/worker.js. Under tsx or vitest this module is a .ts file:
 * `--import tsx` in a Worker's execArgv does not reach the worker's loader on Node 20, so a small
 * eval bootstrap registers tsx's ESM hooks inside the worker and then imports worker.ts.
 */
function spawnWorker(workerPlan: WorkerPlan): Worker {
  if (!import.meta.url.endsWith('.ts'))
    return new Worker(new URL('./worker.js', import.meta.url), { workerData: workerPlan });
  const tsxApi = pathToFileURL(
    createRequire(import.meta.url)
      .resolve('tsx/esm/api')
      .replace(/\.cjs$/, '.mjs'),
  ).href;
  const entry = new URL('./worker.ts', import.meta.url).href;
  const bootstrap = `import(${JSON.stringify(tsxApi)}).then((api) => { api.register(); return import(${JSON.stringify(entry)}); });`;
  return new Worker(bootstrap, { eval: true, workerData: workerPlan });
}
