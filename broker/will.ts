// Will messages: published when a connection ends abnormally, after the v5 Will Delay Interval
// (or at once when the session ends first), cancelled when the client comes back in time.
import type { ClientIdentity } from './options.js';
import type { Message } from './session/message.js';

/** A will and the identity it is published as (its rights are checked when it is due). */
export interface Will {
  message: Message;
  owner: ClientIdentity;
}

interface PendingWill {
  will: Will;
  timer: NodeJS.Timeout | undefined;
}

export class WillScheduler {
  private readonly pending = new Map<string, PendingWill>();

  constructor(private readonly publish: (will: Will) => void) {}

  get size(): number {
    return this.pending.size;
  }

  /** Publishes at once when `delayMs` is 0, else after the delay (replacing any pending will of the client). */
  schedule(clientId: string, will: Will, delayMs: number): void {
    this.cancel(clientId);
    if (delayMs <= 0) {
      this.publish(will);
      return;
    }
    const entry: PendingWill = { will, timer: undefined };
    entry.timer = setTimeout(
      () => {
        this.pending.delete(clientId);
        this.publish(will);
      },
      Math.min(delayMs, 2_147_483_647),
    );
    entry.timer.unref();
    this.pending.set(clientId, entry);
  }

  /** [MQTT-3.1.3-9] the client reconnected before the delay elapsed: the will is not sent. */
  cancel(clientId: string): boolean {
    const entry = this.pending.get(clientId);
    if (entry === undefined) return false;
    if (entry.timer !== undefined) clearTimeout(entry.timer);
    this.pending.delete(clientId);
    return true;
  }

  /** The session ended before the delay elapsed: publish now. */
  fireNow(clientId: string): void {
    const entry = this.pending.get(clientId);
    if (entry === undefined) return;
    this.cancel(clientId);
    this.publish(entry.will);
  }

  clear(): void {
    for (const clientId of [...this.pending.keys()]) this.cancel(clientId);
  }
}
