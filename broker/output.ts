// Outbound bytes of one connection. Packets written during an event-loop turn leave in one socket
// write (a fan-out burst of hundreds of PUBLISH packets costs one syscall, not one each), in order.
// canWrite() is the write bound (maxWriteBuffer): above it the session stops sending, and the
// owner is told when the socket has taken everything written so far. At most one such notification
// is outstanding: a subscriber that never reads costs one pending write, not one per dropped message.
import type { Duplex } from 'node:stream';

/** Outbound bytes of one turn up to this size are joined into one Buffer; above, written as a writev. */
const COALESCE_LIMIT = 64 * 1024;
const EMPTY = Buffer.alloc(0);

export interface OutputOwner {
  /** The socket took every byte written before the bound was hit: the session may send again. */
  onWritable(): void;
}

export class SocketOutput {
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  private flushScheduled = false;
  /** canWrite() said no: the owner waits to be told the socket caught up. */
  private waiting = false;
  /** A write carrying that notification is with the socket (never more than one). */
  private notifyArmed = false;

  constructor(
    private readonly stream: Duplex,
    private readonly maxWriteBuffer: number,
    private readonly owner: OutputOwner,
  ) {}

  /** Bytes not yet handed to the socket. */
  get queuedBytes(): number {
    return this.pendingBytes;
  }

  push(bytes: Buffer): void {
    this.pending.push(bytes);
    this.pendingBytes += bytes.length;
    this.schedule();
  }

  canWrite(): boolean {
    const ok = this.stream.writableLength + this.pendingBytes < this.maxWriteBuffer;
    if (!ok && !this.waiting) {
      this.waiting = true;
      // the notification rides on the next write; with nothing of ours pending, on an empty one
      if (!this.notifyArmed) this.schedule();
    }
    return ok;
  }

  /** Hands the collected bytes to the socket: one Buffer when small, otherwise a corked writev. */
  flush(): void {
    this.flushScheduled = false;
    const arm = this.waiting && !this.notifyArmed;
    const chunks = this.pending;
    const size = this.pendingBytes;
    if (chunks.length === 0 && !arm) return;
    this.pending = [];
    this.pendingBytes = 0;
    const stream = this.stream;
    if (stream.destroyed || stream.writableEnded) return;
    let notify: (() => void) | undefined;
    if (arm) {
      this.waiting = false;
      this.notifyArmed = true;
      notify = () => {
        this.notifyArmed = false;
        // whoever asked since is served by this notification; a new refusal arms a new one
        this.waiting = false;
        this.owner.onWritable();
      };
    }
    if (chunks.length === 0) {
      stream.write(EMPTY, notify);
    } else if (chunks.length === 1) {
      stream.write(chunks[0], notify);
    } else if (size <= COALESCE_LIMIT) {
      stream.write(Buffer.concat(chunks, size), notify);
    } else {
      // Large payloads: no copy, the socket gets every chunk in one writev.
      stream.cork();
      const last = chunks.length - 1;
      for (let i = 0; i < last; i++) stream.write(chunks[i]);
      stream.write(chunks[last], notify);
      stream.uncork();
    }
  }

  private schedule(): void {
    if (this.flushScheduled) return;
    this.flushScheduled = true;
    process.nextTick(flushOutput, this);
  }
}

function flushOutput(output: SocketOutput): void {
  output.flush();
}
