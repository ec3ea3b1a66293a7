// A raw byte connection to a broker endpoint. The runner writes bytes and reads bytes; MQTT framing
// and decoding happen above this layer, so a transport can carry deliberately broken packets.

/** How a connection ended: FIN (orderly close by the peer), RST (reset), a local close, or an error. */
export type CloseKind = 'fin' | 'reset' | 'local' | 'error';

export interface CloseInfo {
  kind: CloseKind;
  /** Error text (code and message) when kind is 'reset' or 'error'. */
  error?: string;
}

export interface Connection {
  readonly transport: string;
  /** Queue bytes for sending. Never throws; a write after close is ignored. */
  write(data: Buffer): void;
  /** Called with every chunk received, in order. */
  onData(listener: (chunk: Buffer) => void): void;
  /** Called once when the connection is gone, for whatever reason. */
  onClose(listener: (info: CloseInfo) => void): void;
  /** Orderly close: send what is queued, then FIN (WebSocket: close frame). */
  end(): void;
  /** Abrupt close without flushing (the broker sees the connection drop). */
  destroy(): void;
  readonly closed: boolean;
  /** WebSocket connections only: the handshake's outcome and control over framing. */
  readonly websocket?: WebSocketControl;
}

/** What a scenario may do below MQTT on a WebSocket connection. */
export interface WebSocketControl {
  /** The subprotocol the server selected in the handshake ('' when none). */
  readonly protocol: string;
  /** Sends one data frame: binary unless `text`; `fin: false` leaves the message open (continuation follows). */
  sendFrame(data: Buffer, options: { text?: boolean; fin?: boolean }): void;
}

export interface ConnectOptions {
  /** Give up connecting after this long (default 5000 ms). */
  timeoutMs?: number;
  signal?: AbortSignal;
}
