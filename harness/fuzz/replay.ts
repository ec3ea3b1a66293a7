// `harness fuzz --replay DIR`: sends the packet cases a failure saved, one connection each, in their
// original chunks, then asks the health probe and looks whether the broker is still alive.
import { describeStoppedTarget } from '../targets/index.js';
import type { StartedTarget } from '../targets/index.js';
import { openSocket } from './client.js';
import { sleep } from './phase.js';
import { probe } from './probe.js';
import { loadCases } from './reproducer.js';

export interface ReplayResult {
  cases: number;
  passed: boolean;
  message: string;
}

export async function replayCases(
  target: StartedTarget,
  dir: string,
  probeTimeoutMs = 10_000,
): Promise<ReplayResult> {
  const cases = await loadCases(dir);
  const address = { host: target.endpoint.host, port: target.endpoint.port };
  for (const saved of cases) {
    const socket = await openSocket(address, 5000).catch(() => undefined);
    if (socket === undefined) break;
    socket.on('data', () => undefined);
    for (const chunk of saved.chunks) socket.write(Buffer.from(chunk, 'hex'));
    await sleep(100);
    socket.destroy();
  }
  await sleep(500);
  if (!target.isAlive())
    return { cases: cases.length, passed: false, message: describeStoppedTarget(target) };
  const outcome = await probe(address, probeTimeoutMs);
  if (!target.isAlive())
    return { cases: cases.length, passed: false, message: describeStoppedTarget(target) };
  return outcome.ok
    ? { cases: cases.length, passed: true, message: `the broker still answers (probe ${outcome.ms} ms)` }
    : { cases: cases.length, passed: false, message: `health probe failed: ${outcome.error ?? ''}` };
}
