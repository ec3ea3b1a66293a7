// Which decoded packets of a connection are handled now and which wait. They wait while an
// asynchronous CONNECT (authentication) is being decided, and, for PUBLISH packets, while the
// connection is held by flow control: a session it feeds reached its queue bound (see
// session/flow-control.ts). Acknowledgements and PINGREQ pass a hold: they free subscribers and add
// no load, so a client subscribed to its own publications keeps flowing. Held packets stay in
// memory up to HELD_BYTES_LIMIT; beyond it the socket is no longer read.
import type { Packet } from '../wire/types.js';
import { passesFlowControl } from './handlers/dispatch.js';
import type { Holder, Publisher } from './session/flow-control.js';

const HELD_BYTES_LIMIT = 64 * 1024;

export interface GateOwner {
  /** Handles one packet; a Promise while it completes asynchronously (CONNECT). */
  handle(packet: Packet): void | Promise<void>;
  /** An asynchronous handler failed. */
  crash(error: unknown): void;
  /** Reads the socket or stops reading it. */
  setReading(reading: boolean): void;
  /** Counts publishers held now ($SYS/broker/clients/held). */
  heldChanged(delta: 1 | -1): void;
}

export class InboundGate implements Publisher {
  private backlog: Packet[] | undefined;
  private backlogBytes = 0;
  private busy = false;
  private reading = true;
  private closed = false;
  /** Sessions over their bound that this connection feeds. */
  private holders: Set<Holder> | undefined;
  /** A DISCONNECT waits behind held PUBLISH packets: the client leaves, handle them all now. */
  private leaving = false;

  constructor(private readonly owner: GateOwner) {}

  offer(packet: Packet): void {
    if (this.holders !== undefined && !this.busy && passesFlowControl(packet.type)) {
      this.run(packet); // acknowledgements overtake held PUBLISH packets
    } else if (this.busy || this.holders !== undefined || this.backlog !== undefined) {
      this.defer(packet);
    } else {
      this.run(packet);
    }
  }

  hold(holder: Holder): void {
    if (this.closed) return;
    if (this.holders === undefined) {
      this.holders = new Set();
      this.owner.heldChanged(1);
    }
    this.holders.add(holder);
  }

  release(holder: Holder): void {
    if (this.holders?.delete(holder) !== true || this.holders.size > 0) return;
    this.holders = undefined;
    this.owner.heldChanged(-1);
    // resumed outside the releasing session's own drain, which must not see new deliveries mid-way
    process.nextTick(resumeGate, this);
  }

  /** The connection ends: nothing more is handled, sessions holding it forget it. */
  close(): void {
    this.closed = true;
    this.backlog = undefined;
    this.backlogBytes = 0;
    const holders = this.holders;
    if (holders === undefined) return;
    this.holders = undefined;
    this.owner.heldChanged(-1);
    for (const holder of holders) holder.forgetPublisher(this);
  }

  /** Handles what waited, as far as the gate allows now. */
  drain(): void {
    const backlog = this.backlog;
    if (backlog !== undefined) {
      while (!this.busy && !this.closed && backlog.length > 0) {
        const packet = backlog[0]!;
        if (this.holders !== undefined && !this.leaving && !passesFlowControl(packet.type)) break;
        backlog.shift();
        this.backlogBytes -= weight(packet);
        this.run(packet);
      }
      if (backlog.length === 0 && this.backlog === backlog) {
        this.backlog = undefined;
        this.backlogBytes = 0;
      }
    }
    this.updateReading();
  }

  private defer(packet: Packet): void {
    (this.backlog ??= []).push(packet);
    this.backlogBytes += weight(packet);
    if (packet.type === 'disconnect' && this.holders !== undefined) this.leaving = true;
    this.updateReading();
    if (this.leaving) this.drain();
  }

  private run(packet: Packet): void {
    const result = this.owner.handle(packet);
    if (!(result instanceof Promise)) return;
    this.busy = true;
    this.updateReading();
    result.then(
      () => {
        this.busy = false;
        this.drain();
      },
      (error: unknown) => this.owner.crash(error),
    );
  }

  private updateReading(): void {
    if (this.closed) return;
    const reading = !this.busy && this.backlogBytes <= HELD_BYTES_LIMIT;
    if (reading === this.reading) return;
    this.reading = reading;
    this.owner.setReading(reading);
  }
}

function resumeGate(gate: InboundGate): void {
  gate.drain();
}

/** Bytes a waiting packet keeps in memory, roughly (payload and topic dominate). */
function weight(packet: Packet): number {
  return packet.type === 'publish' ? packet.payload.length + packet.topic.length + 64 : 64;
}
