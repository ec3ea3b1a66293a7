// Worker thread entry: runs one WorkerRuntime with the plan it was given.
import { parentPort, workerData } from 'node:worker_threads';
import type { EngineMessage, WorkerMessage, WorkerPlan } from './protocol.js';
import { WorkerRuntime } from './runtime.js';

const port = parentPort;
if (port !== null) {
  const runtime = new WorkerRuntime(workerData as WorkerPlan, (message: WorkerMessage) =>
    port.postMessage(message),
  );
  port.on('message', (message: EngineMessage) => runtime.receive(message));
  void runtime.run();
}
