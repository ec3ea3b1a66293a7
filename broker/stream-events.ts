// A connection's stream events. The same listener functions serve every connection (each finds its
// connection again through the stream) rather than closures per connection: part of keeping an
// idle connection small.
import type { Duplex } from 'node:stream';

export interface StreamListener {
  /** 'end' stands for 'end' and 'close': the peer went away (without DISCONNECT, the will is due). */
  streamEvent(event: 'data' | 'error' | 'end', payload?: Buffer | Error): void;
}

const LISTENER = Symbol('stream listener');
type ListenedStream = Duplex & { [LISTENER]?: StreamListener };

export function listen(stream: Duplex, listener: StreamListener): void {
  (stream as ListenedStream)[LISTENER] = listener;
  stream.on('data', onData);
  stream.on('error', onError);
  stream.on('end', onEnd);
  stream.on('close', onEnd);
}

function onData(this: ListenedStream, chunk: Buffer): void {
  this[LISTENER]?.streamEvent('data', chunk);
}

function onError(this: ListenedStream, error: Error): void {
  this[LISTENER]?.streamEvent('error', error);
}

function onEnd(this: ListenedStream): void {
  this[LISTENER]?.streamEvent('end');
}
