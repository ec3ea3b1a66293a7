// Worker thread entry of a proxy (proxy-thread.ts starts it): runs startTcpProxy with the options it
// was given and answers the calling thread's requests for figures. The proxy's timers and sockets
// thus have an event loop of their own, away from an in-process broker and the load runner.
import { parentPort, workerData } from 'node:worker_threads';
import { NetworkError } from './errors.js';
import { StatsWindows } from './proxy-control.js';
import { startTcpProxy, type RunningProxy } from './proxy.js';
import type { ThreadRequest, ThreadMessage, ThreadProxyOptions } from './proxy-thread.js';

const port = parentPort;
if (port !== null) void serve(workerData as ThreadProxyOptions);

async function serve(options: ThreadProxyOptions): Promise<void> {
  const send = (message: ThreadMessage): void => port!.postMessage(message);
  let proxy: RunningProxy;
  try {
    proxy = await startTcpProxy(options);
  } catch (error) {
    const code = error instanceof NetworkError ? error.reason : 'PROXY_LISTEN_FAILED';
    send({ type: 'failed', code, message: error instanceof Error ? error.message : String(error) });
    return;
  }
  const windows = new StatsWindows(proxy.stats);
  port!.on('message', (request: ThreadRequest) => {
    void answer(request).then(
      (result) => send({ type: 'answer', id: request.id, result }),
      (error: unknown) =>
        send({
          type: 'answer',
          id: request.id,
          error: error instanceof Error ? error.message : String(error),
        }),
    );
  });
  send({ type: 'ready', host: proxy.host, port: proxy.port });

  async function answer(request: ThreadRequest): Promise<unknown> {
    switch (request.op) {
      case 'snapshot':
        return { effect: proxy.stats.snapshot(), openConnections: proxy.openConnections };
      case 'open-window':
        return windows.openWindow();
      case 'close-window':
        return windows.closeWindow(request.window);
      case 'close':
        await proxy.close();
        return proxy.stats.snapshot();
    }
  }
}
