// Listener contract: a listener accepts byte streams from one transport and hands each to the broker.
// Every transport (tcp, tls, ws, wss) implements the same small interface, so start.ts treats them alike.
import type { Duplex } from 'node:stream';

export type ListenerType = 'tcp' | 'tls' | 'ws' | 'wss';

interface ListenerBase {
  /** Interface to bind; defaults to 127.0.0.1 (loopback only unless asked otherwise). */
  host?: string;
  /** Port to bind; 0 (the default) picks a free port. */
  port?: number;
}

export interface TcpListenerConfig extends ListenerBase {
  type: 'tcp';
}

/** PEM text or bytes of the server certificate chain and private key. */
export interface TlsMaterial {
  cert: string | Buffer;
  key: string | Buffer;
  /** CA bundle used to verify client certificates when requestCert is true. */
  ca?: string | Buffer;
  requestCert?: boolean;
}

export interface TlsListenerConfig extends ListenerBase, TlsMaterial {
  type: 'tls';
}

export interface WsListenerConfig extends ListenerBase {
  type: 'ws';
  /** HTTP path of the WebSocket endpoint; any path is accepted when absent. */
  path?: string;
}

export interface WssListenerConfig extends ListenerBase, TlsMaterial {
  type: 'wss';
  path?: string;
}

export type ListenerConfig = TcpListenerConfig | TlsListenerConfig | WsListenerConfig | WssListenerConfig;

export interface ConnectionInfo {
  remoteAddress?: string;
  transport?: string;
}

/** What a listener does with each accepted connection (start.ts passes broker.handleConnection). */
export type ConnectionHandler = (stream: Duplex, info: ConnectionInfo) => void;

export interface ListenerAddress {
  type: ListenerType;
  host: string;
  port: number;
  /** Ready-to-use URL for clients, e.g. mqtt://127.0.0.1:1883 or ws://127.0.0.1:8080/mqtt. */
  url: string;
}

export interface RunningListener {
  readonly address: ListenerAddress;
  /** Stops accepting, destroys open connections, resolves when the server is closed. */
  close(): Promise<void>;
}
