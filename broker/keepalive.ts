// Keep-alive and CONNECT timeout: a client silent for one and a half times its keep-alive is
// disconnected [MQTT-3.1.2-24] (3.1.1) [MQTT-3.1.2-22] (5.0); a socket without CONNECT in time too.
// One monitor per broker checks every watched connection on a coarse tick instead of a timer per
// connection (a timer and its closures cost more memory than an idle connection should). A client
// is never closed early: the deadline is measured from its last inbound byte, and the tick only
// adds up to TICK_MS of lateness.

const TICK_MS = 250;

export interface Watched {
  /** Epoch ms of the last inbound byte (or of the connection's start). */
  readonly lastActivity: number;
  /** Silence allowed, in ms. */
  readonly silenceLimitMs: number;
  /** The limit passed: close the connection and return true, or return false to be watched on. */
  silent(): boolean;
}

export class KeepAliveMonitor {
  private readonly watched = new Set<Watched>();
  private timer: NodeJS.Timeout | undefined;

  /** Keep-alive seconds → allowed silence in ms (1.5×); 0 turns the check off. */
  static limitFor(keepAliveSeconds: number): number {
    return keepAliveSeconds <= 0 ? 0 : Math.ceil(keepAliveSeconds * 1500);
  }

  get size(): number {
    return this.watched.size;
  }

  watch(connection: Watched): void {
    this.watched.add(connection);
    if (this.timer === undefined) {
      this.timer = setInterval(() => this.check(), TICK_MS);
      this.timer.unref();
    }
  }

  unwatch(connection: Watched): void {
    this.watched.delete(connection);
    if (this.watched.size === 0) this.stop();
  }

  stop(): void {
    if (this.timer !== undefined) clearInterval(this.timer);
    this.timer = undefined;
  }

  private check(): void {
    const now = Date.now();
    let due: Watched[] | undefined;
    for (const connection of this.watched) {
      if (now - connection.lastActivity < connection.silenceLimitMs) continue;
      (due ??= []).push(connection);
    }
    // Judged again after the event loop's next I/O phase (setImmediate runs right after it): timers
    // run before I/O, so when the broker itself is behind (a connection storm) a client's CONNECT or
    // PINGREQ may have arrived in time and still wait unread; that client is not silent.
    if (due !== undefined) setImmediate(() => this.expire(due));
    if (this.watched.size === 0) this.stop();
  }

  private expire(due: Watched[]): void {
    const now = Date.now();
    for (const connection of due) {
      if (!this.watched.has(connection)) continue; // closed or no longer watched meanwhile
      if (now - connection.lastActivity < connection.silenceLimitMs) continue; // it spoke
      if (connection.silent()) this.watched.delete(connection);
    }
    if (this.watched.size === 0) this.stop();
  }
}
