// Delivery tracking at the receiving side: per receiver and publisher, a bitset of the sequence
// numbers seen (duplicates), the highest one (out of order) and the count. States from several
// threads or processes merge by OR-ing bitsets, so shared-subscription groups spread over workers
// are judged as one receiver.
import type { PairReport, ReceiverReport, WorkerPlan } from './protocol.js';

export type { PairReport, ReceiverReport } from './protocol.js';
import { matchReceivers } from './topics.js';

export interface PairState {
  received: number;
  outOfOrder: number;
  maxSeq: number;
  bits: Uint8Array;
}

export class DeliveryTracker {
  private readonly pairs = new Map<number, PairState>();
  /** Distinct messages seen (all publishers). */
  unique = 0;

  constructor(readonly key: string) {}

  /** Record one arrival; returns true when it was a duplicate. */
  record(publisher: number, seq: number): boolean {
    let state = this.pairs.get(publisher);
    if (state === undefined) {
      // One byte to start with, so that the bitset grows (8, 16, 32, … sequence numbers) within a
      // publisher's first messages, during the warm-up: growth that happened first in the measured
      // schedule (at 512, 1024, 2048 …) was a branch V8 had never seen taken, and taking it threw
      // away the optimized receive path there, once per doubling.
      state = { received: 0, outOfOrder: 0, maxSeq: -1, bits: new Uint8Array(1) };
      this.pairs.set(publisher, state);
    }
    state.received++;
    const byte = seq >>> 3;
    if (byte >= state.bits.length) {
      let size = state.bits.length * 2;
      while (size <= byte) size *= 2;
      const grown = new Uint8Array(size);
      grown.set(state.bits);
      state.bits = grown;
    }
    const mask = 1 << (seq & 7);
    const duplicate = (state.bits[byte]! & mask) !== 0;
    if (duplicate) return true;
    state.bits[byte]! |= mask;
    this.unique++;
    // Without a rarely taken branch (the first message out of order would deoptimize this).
    state.outOfOrder += seq < state.maxSeq ? 1 : 0;
    state.maxSeq = seq > state.maxSeq ? seq : state.maxSeq;
    return false;
  }

  report(): ReceiverReport {
    const pairs: PairReport[] = [];
    for (const [publisher, state] of this.pairs) {
      pairs.push({
        publisher,
        received: state.received,
        outOfOrder: state.outOfOrder,
        bits: Buffer.from(trim(state.bits)).toString('base64'),
      });
    }
    return { key: this.key, pairs };
  }
}

function trim(bits: Uint8Array): Uint8Array {
  let end = bits.length;
  while (end > 0 && bits[end - 1] === 0) end--;
  return bits.subarray(0, end);
}

export interface MergedPair {
  received: number;
  outOfOrder: number;
  unique: number;
}

/** Merge receiver reports by key and publisher: unique = bits set in the OR of every part. */
export function mergeReceiverReports(
  reports: readonly ReceiverReport[],
): Map<string, Map<number, MergedPair>> {
  const bitsByPair = new Map<
    string,
    Map<number, { received: number; outOfOrder: number; bits: Uint8Array }>
  >();
  for (const report of reports) {
    let byPublisher = bitsByPair.get(report.key);
    if (!byPublisher)
      bitsByPair.set(
        report.key,
        (byPublisher = new Map<number, { received: number; outOfOrder: number; bits: Uint8Array }>()),
      );
    for (const pair of report.pairs) {
      const bits = new Uint8Array(Buffer.from(pair.bits, 'base64'));
      const existing = byPublisher.get(pair.publisher);
      if (!existing) {
        byPublisher.set(pair.publisher, { received: pair.received, outOfOrder: pair.outOfOrder, bits });
        continue;
      }
      existing.received += pair.received;
      existing.outOfOrder += pair.outOfOrder;
      if (bits.length > existing.bits.length) {
        const grown = new Uint8Array(bits.length);
        grown.set(existing.bits);
        existing.bits = grown;
      }
      for (let index = 0; index < bits.length; index++) existing.bits[index]! |= bits[index]!;
    }
  }
  const merged = new Map<string, Map<number, MergedPair>>();
  for (const [key, byPublisher] of bitsByPair) {
    const out = new Map<number, MergedPair>();
    for (const [publisher, state] of byPublisher)
      out.set(publisher, {
        received: state.received,
        outOfOrder: state.outOfOrder,
        unique: popcount(state.bits),
      });
    merged.set(key, out);
  }
  return merged;
}

function popcount(bits: Uint8Array): number {
  let count = 0;
  for (const byte of bits) {
    let value = byte;
    while (value) {
      value &= value - 1;
      count++;
    }
  }
  return count;
}

/**
 * What this worker's own receivers should get, given what every publisher sent: deliveries per
 * receiver key (non-shared subscribers), and whether a share group is here (its members split the
 * messages, so only the group as a whole, merged across workers, can be judged).
 */
export function expectedHere(
  plan: Pick<WorkerPlan, 'subscribers' | 'allPublisherTopics'>,
  sentByPublisher: readonly number[],
): { expected: Map<string, number>; hasShared: boolean } {
  const receivers = plan.subscribers.flatMap((spec) =>
    spec.receiverKey === undefined || spec.receiverKey.startsWith('$share')
      ? []
      : [{ key: spec.receiverKey, filter: spec.filter ?? spec.topic, qos: spec.qos }],
  );
  const expected = new Map<string, number>();
  matchReceivers(plan.allPublisherTopics, receivers).forEach((list, publisher) => {
    for (const receiver of list)
      expected.set(receiver.key, (expected.get(receiver.key) ?? 0) + (sentByPublisher[publisher] ?? 0));
  });
  const hasShared = plan.subscribers.some((spec) => spec.receiverKey?.startsWith('$share'));
  return { expected, hasShared };
}
