// The send schedule's timers: each kind calls back once, never before its deadline, a new arming
// replaces the previous one, and a disarmed or closed timer stays silent. No upper bound on how late
// a wake-up comes: that depends on the machine (bench/load-timer.ts and bench/accuracy.ts measure it).
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { nowMs } from '../../harness/load/clock.js';
import {
  createTimer,
  TIMER_KINDS,
  timerStatus,
  type PreciseTimer,
  type TimerKind,
} from '../../harness/load/precise-timer.js';

const addonBuilt = existsSync(
  join(import.meta.dirname, '../../native/precise-timer/build/Release/precise_timer.node'),
);
const open: PreciseTimer[] = [];
afterEach(() => {
  for (const timer of open.splice(0)) timer.close();
});

function timer(kind: TimerKind, callback: () => void): PreciseTimer {
  const created = createTimer(kind, callback);
  open.push(created);
  return created;
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

describe('precise timers', () => {
  it('auto picks the timerfd addon when it is built, the wait-thread timer otherwise', () => {
    expect(timerStatus().auto).toBe(addonBuilt ? 'timerfd' : 'wait-thread');
  });

  for (const kind of TIMER_KINDS) {
    describe.skipIf(kind === 'timerfd' && !addonBuilt)(kind, () => {
      it('calls back once, not before the deadline', async () => {
        const fired: number[] = [];
        const deadline = nowMs() + 3;
        await new Promise<void>((resolve) => {
          timer(kind, () => {
            fired.push(nowMs());
            resolve();
          }).arm(deadline);
        });
        await sleep(20);
        expect(fired).toHaveLength(1);
        expect(fired[0]).toBeGreaterThanOrEqual(deadline);
      });

      it('a new arming replaces the previous one; a past deadline fires at once, asynchronously', async () => {
        const fired: number[] = [];
        let done: () => void = () => undefined;
        const finished = new Promise<void>((resolve) => (done = resolve));
        const subject = timer(kind, () => {
          fired.push(nowMs());
          done();
        });
        subject.arm(nowMs() + 2);
        const later = nowMs() + 6;
        subject.arm(later);
        await finished;
        await sleep(20);
        expect(fired).toHaveLength(1);
        expect(fired[0]).toBeGreaterThanOrEqual(later);
        let synchronous = true;
        const past = new Promise<boolean>((resolve) => {
          timer(kind, () => resolve(synchronous)).arm(nowMs() - 5);
        });
        synchronous = false;
        expect(await past).toBe(false);
      });

      it('stays silent once disarmed or closed', async () => {
        let calls = 0;
        const disarmed = timer(kind, () => calls++);
        disarmed.arm(nowMs() + 2);
        disarmed.disarm();
        const closed = timer(kind, () => calls++);
        closed.arm(nowMs() + 2);
        closed.close();
        await sleep(30);
        expect(calls).toBe(0);
      });
    });
  }
});
