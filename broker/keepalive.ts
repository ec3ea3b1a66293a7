// Keep-alive: a client silent for one and a half times its keep-alive is disconnected
// [MQTT-3.1.2-24] (3.1.1) [MQTT-3.1.2-22] (5.0). Also used for the CONNECT timeout.

export class Watchdog {
  private timer: NodeJS.Timeout | undefined;
  private lastActivity = Date.now();

  constructor(
    private readonly timeoutMs: number,
    private readonly onExpire: () => void,
  ) {}

  /** Keep-alive in seconds → watchdog of 1.5× that; 0 disables it. */
  static forKeepAlive(keepAliveSeconds: number, onExpire: () => void): Watchdog | undefined {
    if (keepAliveSeconds <= 0) return undefined;
    return new Watchdog(Math.ceil(keepAliveSeconds * 1500), onExpire);
  }

  start(): void {
    this.lastActivity = Date.now();
    this.arm(this.timeoutMs);
  }

  /** Called on every inbound packet; cheap (no timer churn per packet). */
  touch(): void {
    this.lastActivity = Date.now();
  }

  stop(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
  }

  private arm(delay: number): void {
    this.timer = setTimeout(() => this.check(), Math.max(1, delay));
    this.timer.unref();
  }

  private check(): void {
    const idle = Date.now() - this.lastActivity;
    if (idle >= this.timeoutMs) {
      this.timer = undefined;
      this.onExpire();
      return;
    }
    this.arm(this.timeoutMs - idle);
  }
}
