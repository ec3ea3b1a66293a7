// 10,000 connect / subscribe / publish / disconnect cycles must leave the broker's heap where it
// started, within noise. Runs in a child process with --expose-gc so GC can be forced; no timing checks.
import { describe, expect, it } from 'vitest';
import { isOurs } from './helpers/target.js';
import { runFixture } from './helpers/fixture.js';

/** A leak of one session, socket or subscription per cycle costs far more than 800 bytes. */
const TOLERANCE_BYTES = 8 * 1024 * 1024;

interface HeapResult {
  cycles: number;
  before: number;
  after: number;
  stats: {
    clientsConnected: number;
    subscriptions: number;
    inflight: number;
    messagesSent: number;
    clientsTotal: number;
  };
}

describe.runIf(isOurs)('heap after 10,000 client cycles', () => {
  it('returns to its starting size after GC; no client, subscription or in-flight message is left', async () => {
    const result = await runFixture<HeapResult>('heap-cycles.ts', { CYCLES: '10000' }, 280_000);
    expect(result.cycles).toBe(10_000);
    expect(result.stats.clientsTotal).toBe(10_500); // warm-up included: every cycle really connected
    expect(result.stats.messagesSent).toBe(10_500); // and really received its own message
    expect(result.stats.clientsConnected).toBe(0);
    expect(result.stats.subscriptions).toBe(0);
    expect(result.stats.inflight).toBe(0);
    expect(result.after - result.before).toBeLessThan(TOLERANCE_BYTES);
  }, 300_000);
});
