// Listeners by type: one start function per transport, all returning a RunningListener.
import { startTcpListener } from './tcp.js';
import { startTlsListener } from './tls.js';
import { startWsListener } from './ws.js';
import type { ConnectionHandler, ListenerConfig, RunningListener } from './types.js';

export type * from './types.js';

export function startListener(
  config: ListenerConfig,
  onConnection: ConnectionHandler,
  /** Test-only: WebSocket text frames are read as MQTT bytes (mutation 'ws-accept-text-frames'). */
  acceptTextFrames = false,
): Promise<RunningListener> {
  switch (config.type) {
    case 'tcp':
      return startTcpListener(config, onConnection);
    case 'tls':
      return startTlsListener(config, onConnection);
    case 'ws':
    case 'wss':
      return startWsListener(config, onConnection, acceptTextFrames);
  }
}
