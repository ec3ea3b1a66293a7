// How punctually each of the load engine's timers wakes, and what it costs: a schedule of wake-ups
// at a fixed rate (like an open-loop run whose messages each have their own due time), the delay of
// every wake-up behind its deadline, and this process's CPU (all threads) over the run. No sockets:
// this isolates the timer; bench/accuracy.ts measures the whole engine against a native generator.
//   npm run bench:timer   (TIMER_RATES=1000,5000,20000 TIMER_SECONDS=2 TIMER_KINDS=timerfd,wait-thread,spin,libuv)
import { availableParallelism, loadavg } from 'node:os';
import { nowMs } from '../harness/load/clock.js';
import { createTimer, TIMER_KINDS, timerStatus, type TimerKind } from '../harness/load/precise-timer.js';
import { log } from './load-common.js';

const rates = (process.env['TIMER_RATES'] ?? '1000,5000,20000').split(',').map(Number);
const seconds = Number(process.env['TIMER_SECONDS'] ?? 2);
const available = TIMER_KINDS.filter((kind) => kind !== 'timerfd' || timerStatus().auto === 'timerfd');
const kinds = (process.env['TIMER_KINDS']?.split(',') ?? available) as TimerKind[];

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.round((p / 100) * sorted.length) - 1))] ?? 0;
}

async function measure(kind: TimerKind, rate: number): Promise<string> {
  const total = rate * seconds;
  const delays: number[] = [];
  const startMs = nowMs() + 50;
  let next = 0;
  const cpu = process.cpuUsage();
  const wallStart = nowMs();
  await new Promise<void>((resolve) => {
    const timer = createTimer(kind, () => {
      const now = nowMs();
      // Like the open loop: everything due by now is handled in this wake-up.
      while (next < total && startMs + (next * 1000) / rate <= now) {
        delays.push((now - startMs - (next * 1000) / rate) * 1000);
        next++;
      }
      if (next < total) timer.arm(startMs + (next * 1000) / rate);
      else {
        timer.close();
        resolve();
      }
    });
    timer.arm(startMs);
  });
  const used = process.cpuUsage(cpu);
  const wallUs = (nowMs() - wallStart) * 1000;
  delays.sort((a, b) => a - b);
  const us = (value: number): string => `${Math.round(value)}µs`.padStart(8);
  return (
    `${kind.padEnd(12)} ${String(rate).padStart(6)}/s  late p50 ${us(percentile(delays, 50))}  p99 ${us(percentile(delays, 99))}` +
    `  p99.9 ${us(percentile(delays, 99.9))}  CPU ${(((used.user + used.system) / wallUs) * 100).toFixed(0).padStart(3)}% of a core`
  );
}

log(
  `${availableParallelism()} cores, load average ${loadavg()
    .map((value) => value.toFixed(2))
    .join(' ')}; timerfd addon: ${timerStatus().nativeError ?? 'built'}`,
);
for (const rate of rates) for (const kind of kinds) process.stdout.write(`${await measure(kind, rate)}\n`);
