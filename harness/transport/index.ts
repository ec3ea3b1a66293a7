// Raw byte connections to an Endpoint: tcp, tls, ws, wss. Every connect has a timeout.
import type { Endpoint } from '../targets/index.js';
import { openSocket } from './socket.js';
import type { ConnectOptions, Connection } from './types.js';
import { openWebSocket } from './websocket.js';

export type { CloseInfo, CloseKind, ConnectOptions, Connection, WebSocketControl } from './types.js';

export function openConnection(endpoint: Endpoint, options: ConnectOptions = {}): Promise<Connection> {
  switch (endpoint.transport) {
    case 'tcp':
    case 'tls':
      return openSocket(endpoint, options);
    case 'ws':
    case 'wss':
      return openWebSocket(endpoint, options);
  }
}
