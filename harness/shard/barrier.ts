// The start barrier of a sharded load, through the broker under test (no other service needed:
// pods of a Kubernetes Job reach the broker and nothing else). Each shard, once its clients are
// connected and subscribed:
//   1. subscribes to harness-shards/<run>/<load>/#, times a few round trips to the broker (a
//      message to itself), and announces itself with a retained message proposing a start time
//      (its clock + START_MARGIN_MS);
//   2. when all N announcements are in, every shard computes the same start: the latest proposal
//      (or --start-at when given);
//   3. estimates its clock offset from shard 0's clock messages: shard 0 sends its time t0 a few
//      times; shard i receives each at ti; a message took about (rtt0 + rtti) / 2, so
//      offset ≈ min(ti − t0) − (rtt0 + rtti)/2, uncertain by ± (rtt0 + rtti)/2. The agreed start
//      is a time on shard 0's clock: shard i starts at start + offset on its own, so schedules and
//      the intended send times in the payloads (relative to the start) line up across shards.
// The retained announcements are cleared before the schedule starts.
import { LoadClient, type LoadClientOwner } from '../load/client.js';
import { nowMs } from '../load/clock.js';
import { encode } from '../../wire/index.js';
import type { ShardSpec } from './segment.js';

const START_MARGIN_MS = 1000;
const RTT_SAMPLES = 5;
const CLOCK_WAIT_MS = 3000;
/** Shard 0 sends its clock this many times; the others keep the quickest (least delayed) sample. */
const CLOCK_SAMPLES = 5;
const CLOCK_SPACING_MS = 20;

export interface BarrierEndpoint {
  host: string;
  port: number;
  username?: string;
  password?: string;
  localAddress?: string;
}

export interface BarrierInput {
  endpoint: BarrierEndpoint;
  protocolLevel: 4 | 5;
  runId: string;
  loadHash: string;
  shard: ShardSpec;
  startAtMs?: number;
  timeoutMs: number;
  signal: AbortSignal;
}

export interface ShardClock {
  /** This shard's clock minus the reference's (shard 0), ms. */
  offsetMs: number;
  /** The estimate is good to ± this, ms (half the two round trips); −1: no estimate. */
  uncertaintyMs: number;
  /** This shard's round trip to the broker, ms (best of a few). */
  rttMs: number;
  reference: string;
}

export interface BarrierOutcome {
  startMs: number;
  clock: ShardClock;
}

interface Announcement {
  kind: 'ready' | 'clock' | 'rtt';
  index: number;
  atMs: number;
  proposeMs?: number;
  rttMs?: number;
}

export async function shardBarrier(input: BarrierInput): Promise<BarrierOutcome> {
  const { shard, runId, loadHash } = input;
  const base = `harness-shards/${safe(runId)}/${loadHash}`;
  const inbox = new Inbox();
  const client = new LoadClient(
    {
      host: input.endpoint.host,
      port: input.endpoint.port,
      ...(input.endpoint.localAddress === undefined ? {} : { localAddress: input.endpoint.localAddress }),
      clientId: `hs${loadHash.slice(0, 8)}${safe(runId).slice(0, 8)}b${shard.index}`,
      protocolLevel: input.protocolLevel,
      cleanStart: true,
      keepAlive: 0,
      ...(input.endpoint.username === undefined ? {} : { username: input.endpoint.username }),
      ...(input.endpoint.password === undefined ? {} : { password: input.endpoint.password }),
      inflightSlots: 1,
      timeoutMs: Math.min(input.timeoutMs, 15_000),
    },
    inbox,
  );
  const send = (topic: string, body: Announcement | undefined, retain = false): void => {
    const payload = body === undefined ? Buffer.alloc(0) : Buffer.from(JSON.stringify(body));
    client.write(
      encode({ type: 'publish', topic, payload, qos: 0, retain, dup: false }, input.protocolLevel),
    );
    client.uncork();
  };
  const deadline = nowMs() + input.timeoutMs;
  try {
    await client.connect();
    await client.subscribe(`${base}/#`, 0);
    let rttMs = Infinity;
    for (let sample = 0; sample < RTT_SAMPLES; sample++) {
      const sentAt = nowMs();
      send(`${base}/rtt/${shard.index}`, { kind: 'rtt', index: shard.index, atMs: sentAt });
      const echo = await inbox.wait(
        (message) => message.kind === 'rtt' && message.index === shard.index && message.atMs === sentAt,
        Math.min(5000, deadline - nowMs()),
        input.signal,
      );
      if (echo === undefined) throw new Error(`no answer from the broker on ${base} (round trip)`);
      rttMs = Math.min(rttMs, inbox.lastAtMs - sentAt);
    }
    send(
      `${base}/ready/${shard.index}`,
      { kind: 'ready', index: shard.index, atMs: nowMs(), proposeMs: nowMs() + START_MARGIN_MS, rttMs },
      true,
    );
    const everyone = await inbox.waitAll('ready', shard.count, deadline - nowMs(), input.signal);
    if (everyone === undefined) {
      const seen = [...inbox.byKind('ready').keys()].sort((a, b) => a - b);
      throw new Error(
        `start barrier: ${seen.length} of ${shard.count} shards ready after ${input.timeoutMs} ms (seen: ${seen.join(', ') || 'none'})`,
      );
    }
    const proposed = Math.max(...[...everyone.values()].map((message) => message.proposeMs ?? 0));
    const startMs = input.startAtMs ?? proposed;
    if (shard.index === 0) {
      for (let sample = 0; sample < CLOCK_SAMPLES; sample++) {
        send(`${base}/clock/0`, { kind: 'clock', index: 0, atMs: nowMs(), rttMs });
        await new Promise((resolve) => setTimeout(resolve, CLOCK_SPACING_MS));
      }
    }
    const clock = await clockOffset(inbox, shard, rttMs, input.signal);
    send(`${base}/ready/${shard.index}`, undefined, true); // clear the retained announcement
    return { startMs, clock };
  } finally {
    await client.disconnect(true);
  }
}

async function clockOffset(
  inbox: Inbox,
  shard: ShardSpec,
  rttMs: number,
  signal: AbortSignal,
): Promise<ShardClock> {
  const reference = 'shard 0, through the broker';
  if (shard.index === 0) return { offsetMs: 0, uncertaintyMs: 0, rttMs: round(rttMs), reference };
  await inbox.waitCount((m) => m.kind === 'clock' && m.index === 0, CLOCK_SAMPLES, CLOCK_WAIT_MS, signal);
  const samples = inbox.all((m) => m.kind === 'clock' && m.index === 0);
  if (samples.length === 0)
    return {
      offsetMs: 0,
      uncertaintyMs: -1,
      rttMs: round(rttMs),
      reference: `${reference}: no clock message`,
    };
  // A sample is late when either process was busy; the quickest one is the closest to the truth.
  const apparent = Math.min(...samples.map((message) => inbox.arrivalOf(message) - message.atMs));
  const transit = ((samples[0]!.rttMs ?? 0) + rttMs) / 2;
  return {
    offsetMs: round(apparent - transit),
    uncertaintyMs: round(transit),
    rttMs: round(rttMs),
    reference,
  };
}

/** Topic-safe form of the run id (no wildcards or separators). */
function safe(text: string): string {
  return text.replace(/[^A-Za-z0-9_.-]/g, '_');
}

function round(value: number): number {
  return Math.round(value * 1000) / 1000;
}

/** The barrier client's owner: keeps every announcement with its arrival time. */
class Inbox implements LoadClientOwner {
  private readonly messages: Announcement[] = [];
  private readonly arrivals = new Map<Announcement, number>();
  private listeners: (() => void)[] = [];
  lastAtMs = 0;

  onPublishReceived(_client: LoadClient, buffer: Buffer, start: number, end: number, atMs: number): void {
    if (end <= start) return; // a cleared retained message
    try {
      const message = JSON.parse(buffer.toString('utf8', start, end)) as Announcement;
      if (typeof message.index !== 'number' || typeof message.atMs !== 'number') return;
      this.messages.push(message);
      this.arrivals.set(message, atMs);
      this.lastAtMs = atMs;
    } catch {
      return; // not ours
    }
    for (const listener of [...this.listeners]) listener();
  }
  onPublishCompleted(): void {}
  onClientError(): void {}
  onCorked(): void {}

  arrivalOf(message: Announcement): number {
    return this.arrivals.get(message) ?? nowMs();
  }

  byKind(kind: Announcement['kind']): Map<number, Announcement> {
    const found = new Map<number, Announcement>();
    for (const message of this.messages) if (message.kind === kind) found.set(message.index, message);
    return found;
  }

  async waitAll(
    kind: Announcement['kind'],
    count: number,
    timeoutMs: number,
    signal: AbortSignal,
  ): Promise<Map<number, Announcement> | undefined> {
    const complete = (): boolean => {
      const found = this.byKind(kind);
      for (let index = 0; index < count; index++) if (!found.has(index)) return false;
      return true;
    };
    const ok = await this.until(complete, timeoutMs, signal);
    return ok ? this.byKind(kind) : undefined;
  }

  all(predicate: (message: Announcement) => boolean): Announcement[] {
    return this.messages.filter(predicate);
  }

  async waitCount(
    predicate: (message: Announcement) => boolean,
    count: number,
    timeoutMs: number,
    signal: AbortSignal,
  ): Promise<boolean> {
    return this.until(() => this.messages.filter(predicate).length >= count, timeoutMs, signal);
  }

  async wait(
    predicate: (message: Announcement) => boolean,
    timeoutMs: number,
    signal: AbortSignal,
  ): Promise<Announcement | undefined> {
    const ok = await this.until(() => this.messages.some(predicate), timeoutMs, signal);
    return ok ? this.messages.find(predicate) : undefined;
  }

  private until(done: () => boolean, timeoutMs: number, signal: AbortSignal): Promise<boolean> {
    if (done()) return Promise.resolve(true);
    if (signal.aborted || timeoutMs <= 0) return Promise.resolve(false);
    return new Promise((resolve) => {
      const finish = (value: boolean): void => {
        clearTimeout(timer);
        signal.removeEventListener('abort', onAbort);
        this.listeners = this.listeners.filter((candidate) => candidate !== listener);
        resolve(value);
      };
      const listener = (): void => {
        if (done()) finish(true);
      };
      const onAbort = (): void => finish(false);
      const timer = setTimeout(() => finish(false), timeoutMs);
      signal.addEventListener('abort', onAbort, { once: true });
      this.listeners.push(listener);
    });
  }
}
