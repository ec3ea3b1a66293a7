// The fuzzer against real brokers: a short run of every phase against the in-process reference
// broker passes with the probe answering; a broker that dies on a given byte (a proxy in front of
// the reference broker that shuts everything when a client sends 0xF0, the first byte of AUTH)
// yields a crash failure with a saved reproducer, and replaying that reproducer kills it again.
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { createServer, connect, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { replayCases, runFuzz } from '../../harness/fuzz/index.js';
import { startTarget, type StartedTarget } from '../../harness/targets/index.js';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

async function outputDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'fuzz-test-'));
  cleanups.push(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

async function reference(): Promise<StartedTarget> {
  const target = await startTarget('reference', { cwd: process.cwd() });
  cleanups.push(() => target.stop());
  return target;
}

/** A "broker" that forwards to `upstream` and dies (closes everything, stops listening) on byte 0xF0. */
async function crashingBroker(upstream: StartedTarget): Promise<StartedTarget> {
  const sockets = new Set<Socket>();
  let dead: string | undefined;
  const log: string[] = ['crashy: listening'];
  const server: Server = createServer((client) => {
    const broker = connect({ host: upstream.endpoint.host, port: upstream.endpoint.port });
    sockets.add(client).add(broker);
    client.on('error', () => undefined);
    broker.on('error', () => undefined);
    client.on('data', (chunk: Buffer) => {
      if (dead === undefined && chunk.includes(0xf0)) {
        dead = 'killed by SIGSEGV';
        log.push(`crashy: segmentation fault reading ${chunk.subarray(0, 16).toString('hex')}`);
        server.close();
        for (const socket of sockets) socket.destroy();
        return;
      }
      broker.write(chunk);
    });
    broker.on('data', (chunk: Buffer) => client.write(chunk));
    client.on('close', () => broker.destroy());
    broker.on('close', () => client.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  cleanups.push(async () => {
    for (const socket of sockets) socket.destroy();
    await new Promise((resolve) => server.close(resolve));
  });
  return {
    name: 'crashy',
    kind: 'test',
    endpoint: { transport: 'tcp', host: '127.0.0.1', port },
    url: `mqtt://127.0.0.1:${port}`,
    capabilities: new Set(),
    knownDeviations: [],
    isAlive: () => dead === undefined,
    exitReason: () => dead,
    output: () => log.join('\n'),
    stop: () => Promise.resolve(),
  };
}

describe('harness fuzz', () => {
  it('a short run of every phase against the reference broker passes, the probe answering throughout', async () => {
    const target = await reference();
    const result = await runFuzz({ target, seconds: 6, seed: 5, outputDir: await outputDir() });
    expect(result.failures).toEqual([]);
    expect(result.passed).toBe(true);
    expect(result.phases.map((phase) => phase.phase)).toEqual([
      'packets',
      'slowloris',
      'flood',
      'stalled',
      'wills',
      'retained',
    ]);
    for (const phase of result.phases) expect(phase.probes.ok).toBeGreaterThan(0);
    const stats = Object.fromEntries(result.phases.map((phase) => [phase.phase, phase.stats]));
    expect(stats['packets']?.['cases']).toBeGreaterThan(0);
    expect(stats['flood']?.['accepted']).toBeGreaterThan(0);
    expect(stats['stalled']?.['published']).toBeGreaterThan(0);
    expect(stats['wills']?.['willsReceived']).toBeGreaterThan(0);
    expect(stats['retained']?.['delivered']).toBe(stats['retained']?.['published']);
  }, 180_000);

  it('a broker that dies on a packet: a crash failure with its exit, its log and a saved reproducer that replays', async () => {
    const upstream = await reference();
    const crashy = await crashingBroker(upstream);
    const dir = await outputDir();
    const result = await runFuzz({
      target: crashy,
      seconds: 20,
      seed: 3,
      outputDir: dir,
      phases: ['packets'],
    });
    expect(result.passed).toBe(false);
    const [failure] = result.failures;
    expect(failure?.kind).toBe('crash');
    expect(failure?.message).toMatch(/target 'crashy' stopped \(killed by SIGSEGV\)/);
    expect(failure?.message).toMatch(/segmentation fault/);
    const saved = failure?.reproducer ?? '';
    expect(JSON.parse(await readFile(join(saved, 'failure.json'), 'utf8'))).toMatchObject({
      phase: 'packets',
      kind: 'crash',
      seed: 3,
    });
    expect(await readFile(join(saved, 'scenario.yaml'), 'utf8')).toMatch(/--phase packets --seed 3/);
    const bins = await readdir(join(saved, 'cases'));
    const bytes = await Promise.all(bins.map((file) => readFile(join(saved, 'cases', file))));
    expect(bytes.some((content) => content.includes(0xf0))).toBe(true);

    const again = await crashingBroker(upstream);
    const replay = await replayCases(again, saved, 5000);
    expect(replay.passed).toBe(false);
    expect(replay.message).toMatch(/killed by SIGSEGV/);
  }, 180_000);
});
