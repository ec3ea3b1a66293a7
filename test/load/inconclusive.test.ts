// A real run whose generator cannot keep its schedule (its thread blocked for 600 ms mid-run, the
// in-process reference broker beside it): the load is inconclusive with the reason, the console
// summary does not print PASSED, and the run exits 1 unless told `--inconclusive warn`. Before
// issue 12 such a run said PASSED and exited 0.
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { runHarness } from '../../harness/api.js';
import { exitCodeForResult } from '../../harness/cli/commands/run.js';
import { readKernelCounters, parseProcNet } from '../../harness/load/kernel-counters.js';
import { renderSummary } from '../../harness/reporters/index.js';

const BLOCK_MS = 600;

const LOAD = `name: blocked-generator
mqtt: '5.0'
load:
  executor: constant-arrival-rate
  rate: 200
  duration: 2s
  workers: 0
  publishers: { count: 1, topic: '{prefix}/blocked', qos: 0, size: 32 }
  subscribers: { count: 1, topic: '{prefix}/blocked', qos: 0 }
  thresholds: ['p99 < 10s']
`;

function block(ms: number): void {
  const until = performance.now() + ms;
  while (performance.now() < until) {
    // the generator's thread does nothing else meanwhile: its sends fall behind their due times
  }
}

it('a generator that missed its schedule makes the load inconclusive, not PASSED, and exits 1', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'harness-inconclusive-'));
  await writeFile(join(dir, 'load.yaml'), LOAD);
  let blocked = false;
  const result = await runHarness({
    paths: [dir],
    targets: ['reference'],
    cwd: dir,
    reporters: {
      onLoadProgress: () => {
        if (blocked) return;
        blocked = true;
        block(BLOCK_MS);
      },
    },
  });
  expect(blocked).toBe(true);
  const load = result.loads[0]!;
  // Messages due while the thread was blocked left up to BLOCK_MS late: the lateness is physics.
  expect(load.sendLateness!.percentiles.max).toBeGreaterThanOrEqual(BLOCK_MS * 0.9 * 1000);
  expect(load.verdict).toBe('inconclusive');
  expect(load.reason).toMatch(/^schedule missed: send lateness p99 /);
  expect(load.inconclusive).toHaveLength(1);
  // The timing threshold holds, yet it cannot make the load pass.
  expect(load.thresholds[0]).toMatchObject({ expression: 'p99 < 10s', ok: true, unit: 's', timing: true });
  expect(result.summary).toMatchObject({ loadsFailed: 0, loadsInconclusive: 1 });
  const summary = renderSummary(result);
  expect(summary).not.toMatch(/PASSED/);
  expect(summary).toMatch(
    /^INCONCLUSIVE: 0 passed, 0 failed, 0 skipped of 0 scenario runs|^INCONCLUSIVE: 1 loads, 0 failed, 1 inconclusive/m,
  );
  expect(summary).toContain('✓ p99 < 10s (actual');
  expect(exitCodeForResult(result)).toBe(1);
  expect(exitCodeForResult(result, 'warn')).toBe(0);
}, 60_000);

it('reads the kernel TCP counters of this machine, and parses /proc/net header/value pairs', () => {
  const counters = readKernelCounters();
  expect(counters).toBeDefined(); // Linux, as CI is
  for (const value of Object.values(counters!)) expect(Number.isInteger(value) && value >= 0).toBe(true);
  const parsed = parseProcNet(
    'TcpExt: SyncookiesSent ListenOverflows TCPSynRetrans\nTcpExt: 0 2568 1955\nTcp: RetransSegs\nTcp: 7\n',
  );
  expect(parsed.get('TcpExt:ListenOverflows')).toBe(2568);
  expect(parsed.get('TcpExt:TCPSynRetrans')).toBe(1955);
  expect(parsed.get('Tcp:RetransSegs')).toBe(7);
  const fake = (file: string): string =>
    file.endsWith('netstat')
      ? 'TcpExt: ListenOverflows ListenDrops TCPSynRetrans\nTcpExt: 5 6 7\n'
      : 'Tcp: RtoMin RetransSegs\nTcp: 200 9\n';
  expect(readKernelCounters(fake)).toEqual({
    listenOverflows: 5,
    listenDrops: 6,
    synRetransmits: 7,
    retransmittedSegments: 9,
  });
  expect(readKernelCounters(() => 'no such counters\n')).toBeUndefined();
});
