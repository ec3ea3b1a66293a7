// A subscriber that never reads must not make the broker buffer without bound: QoS 0 messages are
// dropped at the socket's write bound; a QoS 1 subscriber holds its publisher (flow control) until
// the stall timeout closes it, then its offline queue keeps maxQueuedMessages and drops the rest;
// the drops show in $SYS/broker/messages/dropped.
import { describe, expect, it } from 'vitest';
import { isOurs } from './helpers/target.js';
import { runFixture } from './helpers/fixture.js';

interface SlowResult {
  publishedBytes: number;
  messages: number;
  before: number;
  after: number;
  sysDropped: number;
  stats: {
    messagesDropped: number;
    messagesDroppedOffline: number;
    messagesReceived: number;
    inflight: number;
    slowSubscribersDisconnected: number;
    publishersHeld: number;
  };
}

describe.runIf(isOurs)('slow subscriber', () => {
  it('keeps memory bounded and counts the dropped messages', async () => {
    const r = await runFixture<SlowResult>('slow-subscriber.ts', {}, 110_000);
    expect(r.stats.messagesReceived).toBe(r.messages);
    // two stalled subscribers × 3000 messages: most of them cannot be delivered
    expect(r.stats.messagesDropped).toBeGreaterThan(r.messages);
    expect(r.sysDropped).toBeGreaterThan(0);
    expect(r.sysDropped).toBeLessThanOrEqual(r.stats.messagesDropped);
    expect(r.stats.inflight).toBeLessThanOrEqual(64 + 64);
    expect(r.stats.slowSubscribersDisconnected).toBe(1);
    expect(r.stats.publishersHeld).toBe(0);
    expect(r.stats.messagesDroppedOffline).toBeGreaterThan(0);
    // 48 MB went through; what stays is bounded by the write buffer and the queue (a few MB)
    expect(r.after - r.before).toBeLessThan(r.publishedBytes / 4);
  }, 120_000);
});
