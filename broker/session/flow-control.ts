// Flow control towards publishers. A connected session whose queue reached its bound does not drop
// the QoS 1/2 messages routed to it (they were acknowledged to their publishers): it holds the
// publishers that feed it instead, which stop taking PUBLISH packets (see Connection) until the
// queue is back under its low-water mark. A session that makes no progress for the stall timeout
// while publishers wait is closed: one stuck subscriber cannot freeze its publishers for ever.

/** A publishing connection that can be told to stop and resume taking PUBLISH packets. */
export interface Publisher {
  /** `holder` is over its bound: take no more PUBLISH packets until release(holder). */
  hold(holder: Holder): void;
  release(holder: Holder): void;
}

/** The session that holds publishers; a publisher that goes away tells it. */
export interface Holder {
  forgetPublisher(publisher: Publisher): void;
}

/** Created when a session first holds a publisher; dropped once it releases them all. */
export class PublisherHolds {
  private readonly publishers = new Set<Publisher>();
  private timer: NodeJS.Timeout | undefined;
  /** Since when the holder waits (or last made progress while waiting), epoch ms. */
  private since = Date.now();

  constructor(
    private readonly holder: Holder,
    private readonly stallTimeoutMs: number,
    private readonly onStall: () => void,
  ) {}

  get size(): number {
    return this.publishers.size;
  }

  add(publisher: Publisher): void {
    if (this.publishers.has(publisher)) return;
    this.publishers.add(publisher);
    publisher.hold(this.holder);
    if (this.timer === undefined && this.stallTimeoutMs > 0) this.arm(this.stallTimeoutMs);
  }

  /** The holder sent something from its queue: the stall clock starts again. */
  progressed(now: number): void {
    this.since = now;
  }

  /** A held publisher went away: forget it without a release. */
  forget(publisher: Publisher): void {
    this.publishers.delete(publisher);
  }

  releaseAll(): void {
    this.stop();
    const publishers = [...this.publishers];
    this.publishers.clear();
    for (const publisher of publishers) publisher.release(this.holder);
  }

  stop(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
  }

  private arm(delayMs: number): void {
    this.timer = setTimeout(() => this.check(), Math.max(1, delayMs));
    this.timer.unref();
  }

  private check(): void {
    this.timer = undefined;
    if (this.publishers.size === 0) return;
    const left = this.stallTimeoutMs - (Date.now() - this.since);
    if (left > 0) {
      this.arm(left);
      return;
    }
    this.onStall();
  }
}
