// The profile check: what a load's profile did (measured by its proxy) beside what it should do.
// Pure rules first, then real sockets: a fixed delay in front of a real Mosquitto, measured; and a
// proxy whose event loop is held up (as an in-process broker under load holds it) is caught missing.
import { describe, expect, it, afterAll, beforeAll } from 'vitest';
import { applyProfile, loadProfile, parseProfile, type AppliedProfile } from '../../harness/network/index.js';
import { checkProfile, nominalOf, profileWithinTolerance } from '../../harness/network/profile-check.js';
import { mqttSession, pingRtts, startMosquitto, type Mosquitto } from './helpers.js';

describe('profileWithinTolerance: off by more than 10 % or 2 ms, whichever is larger, is a miss', () => {
  it.each([
    [1, 3, true],
    [1, 3.01, false],
    [1, 0, true],
    [10, 12, true],
    [10, 12.5, false],
    [200, 220, true],
    [200, 220.5, false],
    [200, 179.5, false],
    [400, 360, true],
  ])('nominal %d ms, measured %d ms → %s', (nominal, measured, ok) => {
    expect(profileWithinTolerance(nominal, measured)).toBe(ok);
  });
});

describe('nominal effect of a profile', () => {
  it.each([
    ['lan', 1, { upstream: 125_000_000, downstream: 125_000_000 }],
    ['3g', 200, { upstream: 94_000, downstream: 250_000 }],
    ['lossy-5', 10, {}],
    ['2g-edge', 400 + 2 * 50 * (Math.cbrt(2) - 1), { upstream: 25_000, downstream: 30_000 }],
  ])('%s: RTT %d ms', async (name, rtt, throughput) => {
    const nominal = nominalOf((await loadProfile(name, process.cwd())).toxics);
    expect(nominal.rttMs).toBeCloseTo(rtt, 3);
    expect(nominal.throughput).toEqual(throughput);
  });

  it('states no nominal RTT for latency on a schedule, and says so in the check', () => {
    const profile = parseProfile(
      'name: s\ntoxics:\n  - { type: latency, attributes: { latency: 5 }, schedule: { from: 1000 } }\n',
      'x',
    );
    const nominal = nominalOf(profile.toxics);
    expect(nominal.varies).toMatch(/schedule/);
    const check = checkProfile(
      nominal,
      { addedRttMs: { p50: 50, p99: 60, count: 3 }, bytes: { upstream: 1, downstream: 1 }, connections: 1 },
      'worker-thread',
    );
    expect(check.withinTolerance).toBe(true);
    expect(check.reason).toMatch(/not judged/);
  });

  it('judges throughput only as a ceiling, and only with a second of bytes at the limit', () => {
    const nominal = nominalOf(
      parseProfile('name: b\ntoxics:\n  - { type: bandwidth, attributes: { rate: 10 } }\n', 'x').toxics,
    );
    const effect = (bytes: number, perSec: number) => ({
      addedRttMs: { p50: 0.1, p99: 0.2, count: 1 },
      bytes: { upstream: bytes, downstream: 0 },
      directionBytesPerSec: { upstream: perSec, downstream: 0 },
      connections: 1,
    });
    expect(checkProfile(nominal, effect(50_000, 2_000), 'worker-thread').withinTolerance).toBe(true);
    expect(checkProfile(nominal, effect(5_000, 50_000), 'worker-thread').withinTolerance).toBe(true);
    const over = checkProfile(nominal, effect(50_000, 11_500), 'worker-thread');
    expect(over.withinTolerance).toBe(false);
    expect(over.reason).toMatch(/upstream throughput 11500 B\/s above the profile's 10000 B\/s/);
  });
});

let mosquitto: Mosquitto;
beforeAll(async () => {
  mosquitto = await startMosquitto();
}, 60_000);
afterAll(async () => mosquitto?.stop());

const FIXED = parseProfile('name: fixed\ntoxics:\n  - { type: latency, attributes: { latency: 5 } }\n', 'x');
const tcp = (port: number) => ({ transport: 'tcp' as const, host: '127.0.0.1', port });

/** Pings through the profile within a watch window; `hold` runs in this thread during each ping. */
async function watchPings(applied: AppliedProfile, hold?: () => void) {
  const done = await applied.watch();
  const client = await mqttSession(applied.endpoint.port);
  for (let i = 0; i < 5; i++) {
    const ping = pingRtts(client, 1);
    // 1 ms on: the proxy has the PINGREQ and holds it for its 5 ms when this thread is held up.
    if (hold) setTimeout(hold, 1);
    await ping;
  }
  client.socket.destroy();
  return done();
}

function busyFor(ms: number): () => void {
  return () => {
    const until = performance.now() + ms;
    while (performance.now() < until); // the event loop of this thread is held, as a busy broker holds it
  };
}

describe('profile check through a real proxy', () => {
  it('measures a fixed delay: the proxy runs in its own thread, never releases early, the verdict follows the rule', async () => {
    const applied = await applyProfile(FIXED, tcp(mosquitto.port), { cwd: process.cwd() });
    try {
      const check = await watchPings(applied);
      expect(check.runsIn).toBe('worker-thread');
      expect(check.nominalRttMs).toBe(10);
      expect(check.rttSamples).toBe(6); // CONNECT + 5 pings, this window only
      expect(check.measuredRttMs).toBeGreaterThanOrEqual(10 - 0.1);
      expect(check.withinTolerance).toBe(profileWithinTolerance(10, check.measuredRttMs!));
      const again = await watchPings(applied); // a second window starts from nothing
      expect(again.rttSamples).toBe(6);
    } finally {
      await applied.close();
    }
  }, 60_000);

  it('catches a proxy sharing a held-up event loop, and a proxy in its own thread is not held up', async () => {
    const hold = busyFor(300);
    const shared = await applyProfile(FIXED, tcp(mosquitto.port), {
      cwd: process.cwd(),
      random: Math.random, // a function cannot cross to a thread: this proxy runs in this thread
    });
    let sharedCheck;
    try {
      sharedCheck = await watchPings(shared, hold);
    } finally {
      await shared.close();
    }
    expect(sharedCheck.runsIn).toBe('calling-thread');
    expect(sharedCheck.measuredRttMs).toBeGreaterThan(12);
    expect(sharedCheck.withinTolerance).toBe(false);
    expect(sharedCheck.reason).toMatch(
      /profile RTT measured .* ms \(p50 of 6 round trips\), nominal 10 ms ± 2 ms/,
    );

    const own = await applyProfile(FIXED, tcp(mosquitto.port), { cwd: process.cwd() });
    let ownCheck;
    try {
      ownCheck = await watchPings(own, hold);
    } finally {
      await own.close();
    }
    expect(ownCheck.runsIn).toBe('worker-thread');
    expect(ownCheck.measuredRttMs).toBeLessThan(150); // held 300 ms per ping in the other thread
  }, 60_000);
});

describe('too few round trips', () => {
  it('are not judged: a p50 of three samples cannot establish a miss', async () => {
    const { checkProfile } = await import('../../harness/network/profile-check.js');
    const nominal = { rttMs: 10, throughput: {} };
    const measured = (count: number) => ({
      addedRttMs: { count, p50: 16.6 },
      bytes: { upstream: 0, downstream: 0 },
    });
    const few = checkProfile(nominal as never, measured(3) as never, 'worker-thread');
    expect(few.withinTolerance).toBe(true);
    expect(few.reason).toBe('RTT not judged: 3 round trips timed, at least 5 needed');
    const enough = checkProfile(nominal as never, measured(5) as never, 'worker-thread');
    expect(enough.withinTolerance).toBe(false);
  });
});
