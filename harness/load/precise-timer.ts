// Wake-ups at a given epoch-ms time, to the tens of microseconds, for the open-model send schedule.
// libuv's timers (setTimeout) count whole milliseconds, so a message due at t left up to ~1 ms late
// and every latency measured from its intended time carried that error. Four means, chosen by the
// load section's `timer` (docs/load.md has the measurements behind the default):
// - timerfd: the native addon (native/precise-timer, built by node-gyp): a Linux timerfd watched by
//   the thread's own event loop. Sockets are served as usual; the wake costs one epoll round.
// - wait-thread (pure TypeScript, the fallback when the addon is not built): a helper thread sleeps
//   in Atomics.wait with a fractional-ms timeout and posts a message, which wakes this thread's loop.
// - spin: setTimeout until 2 ms before, then a setImmediate loop (polls I/O without sleeping):
//   the most punctual, at the price of a whole core while a run is due.
// - libuv: plain setTimeout (millisecond resolution), the old behaviour, for comparison.
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { nowMs } from './clock.js';

export const TIMER_KINDS = ['timerfd', 'wait-thread', 'spin', 'libuv'] as const;
export type TimerKind = (typeof TIMER_KINDS)[number];
export type TimerChoice = TimerKind | 'auto';

export interface PreciseTimer {
  readonly kind: TimerKind;
  /** Call the callback once at epoch ms `atMs` (at once when past); replaces any earlier arming. */
  arm(atMs: number): void;
  disarm(): void;
  close(): void;
}

interface NativeTimerModule {
  create(callback: () => void): object;
  arm(handle: object, monotonicMs: number): void;
  disarm(handle: object): void;
  close(handle: object): void;
  monotonicMs(): number;
}

const ADDON = join('native', 'precise-timer', 'build', 'Release', 'precise_timer.node');

let native: { module: NativeTimerModule; offsetMs: number } | undefined;
let nativeError: string | undefined;

/** The addon, once per thread; undefined (with the reason in nativeTimerStatus) when not built. */
function loadNative(): typeof native {
  if (native !== undefined || nativeError !== undefined) return native;
  // harness/load/ under tsx, dist/harness/load/ when compiled: the repository root is 2 or 3 up.
  let dir = dirname(fileURLToPath(import.meta.url));
  let path: string | undefined;
  for (let up = 0; up < 4 && path === undefined; up++, dir = dirname(dir))
    if (existsSync(join(dir, ADDON))) path = join(dir, ADDON);
  if (path === undefined) {
    nativeError = `${ADDON} is not built (npm run build:native)`;
    return undefined;
  }
  try {
    const module = createRequire(import.meta.url)(path) as NativeTimerModule;
    native = { module, offsetMs: monotonicOffset(module) };
  } catch (error) {
    nativeError = `${ADDON}: ${error instanceof Error ? error.message : String(error)}`;
  }
  return native;
}

/**
 * epoch ms − CLOCK_MONOTONIC ms for this thread: from the reading pair taken in the shortest window
 * (a first call, a page fault or a preemption between two readings would skew a single pair).
 */
function monotonicOffset(module: NativeTimerModule): number {
  let best = Infinity;
  let offset = 0;
  for (let attempt = 0; attempt < 50; attempt++) {
    const before = nowMs();
    const monotonic = module.monotonicMs();
    const after = nowMs();
    if (after - before < best) {
      best = after - before;
      offset = (before + after) / 2 - monotonic;
    }
  }
  return offset;
}

/** Which means `auto` picks here, and why the addon is not used when it is not. */
export function timerStatus(): { auto: TimerKind; nativeError?: string } {
  return loadNative() !== undefined
    ? { auto: 'timerfd' }
    : { auto: 'wait-thread', ...(nativeError === undefined ? {} : { nativeError }) };
}

/**
 * A timer of the chosen kind that never calls back before its deadline: libuv rounds to whole
 * milliseconds, and the timerfd's clock offset is calibrated to about a microsecond, so a wake-up
 * that comes early is re-armed for the rest instead of passed on.
 */
export function createTimer(choice: TimerChoice, callback: () => void): PreciseTimer {
  let deadline = NaN;
  const onTime = (): void => {
    if (Number.isNaN(deadline)) return; // disarmed after the wake-up was on its way
    if (nowMs() < deadline) {
      inner.arm(deadline);
      return;
    }
    deadline = NaN;
    callback();
  };
  const inner = createKind(choice === 'auto' ? timerStatus().auto : choice, onTime);
  return {
    kind: inner.kind,
    arm(atMs: number): void {
      deadline = atMs;
      inner.arm(atMs);
    },
    disarm(): void {
      deadline = NaN;
      inner.disarm();
    },
    close(): void {
      deadline = NaN;
      inner.close();
    },
  };
}

function createKind(kind: TimerKind, callback: () => void): PreciseTimer {
  switch (kind) {
    case 'timerfd': {
      const loaded = loadNative();
      if (loaded === undefined) throw new Error(`LOAD_TIMER_UNAVAILABLE: ${nativeError ?? 'addon missing'}`);
      return new NativeTimer(loaded.module, loaded.offsetMs, callback);
    }
    case 'wait-thread':
      return new WaitThreadTimer(callback);
    case 'spin':
      return new SpinTimer(callback);
    case 'libuv':
      return new LibuvTimer(callback);
  }
}

class NativeTimer implements PreciseTimer {
  readonly kind = 'timerfd';
  private readonly handle: object;
  private closed = false;

  constructor(
    private readonly module: NativeTimerModule,
    private readonly offsetMs: number,
    callback: () => void,
  ) {
    this.handle = module.create(callback);
  }

  arm(atMs: number): void {
    this.module.arm(this.handle, atMs - this.offsetMs);
  }

  disarm(): void {
    if (!this.closed) this.module.disarm(this.handle);
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.module.close(this.handle);
  }
}

/**
 * The helper thread's whole program (CommonJS, eval'd: no loader needed under tsx). It lowers its
 * own timer slack to 1 ns where Linux lets it (the default 50 µs slack would delay every wake), then
 * sleeps until the deadline or a new arming, and posts the arming's generation when it is due.
 * state: [generation, closed]; deadline: epoch ms, NaN when disarmed.
 */
const HELPER = `
const { workerData, parentPort } = require('node:worker_threads');
const state = new Int32Array(workerData, 0, 2);
const deadline = new Float64Array(workerData, 8, 1);
try {
  const fs = require('node:fs');
  const tid = fs.readlinkSync('/proc/thread-self').split('/').pop();
  fs.writeFileSync('/proc/' + tid + '/timerslack_ns', '1');
} catch {}
const now = () => performance.timeOrigin + performance.now();
while (Atomics.load(state, 1) === 0) {
  const generation = Atomics.load(state, 0);
  const at = deadline[0];
  if (Number.isNaN(at)) { Atomics.wait(state, 0, generation); continue; }
  const wait = at - now();
  if (wait > 0) { Atomics.wait(state, 0, generation, wait); continue; }
  parentPort.postMessage(generation);
  Atomics.wait(state, 0, generation);
}
`;

class WaitThreadTimer implements PreciseTimer {
  readonly kind = 'wait-thread';
  private readonly state: Int32Array;
  private readonly deadline: Float64Array;
  private readonly helper: Worker;
  private armed = false;
  private closed = false;

  constructor(callback: () => void) {
    const shared = new SharedArrayBuffer(16);
    this.state = new Int32Array(shared, 0, 2);
    this.deadline = new Float64Array(shared, 8, 1);
    this.deadline[0] = NaN;
    this.helper = new Worker(HELPER, { eval: true, workerData: shared });
    this.helper.unref();
    this.helper.on('message', (generation: number) => {
      // A message for an arming that was replaced or cancelled meanwhile is stale.
      if (!this.armed || generation !== Atomics.load(this.state, 0)) return;
      this.armed = false;
      this.helper.unref();
      callback();
    });
  }

  arm(atMs: number): void {
    this.deadline[0] = atMs;
    this.signal();
    if (!this.armed) this.helper.ref();
    this.armed = true;
  }

  disarm(): void {
    this.deadline[0] = NaN;
    this.signal();
    if (this.armed) this.helper.unref();
    this.armed = false;
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.armed = false;
    Atomics.store(this.state, 1, 1);
    this.signal();
    void this.helper.terminate();
  }

  private signal(): void {
    Atomics.add(this.state, 0, 1);
    Atomics.notify(this.state, 0);
  }
}

/** Below this distance to the deadline the spin timer polls instead of sleeping. */
const SPIN_WINDOW_MS = 2;

class SpinTimer implements PreciseTimer {
  readonly kind = 'spin';
  private atMs = NaN;
  private sleeping: NodeJS.Timeout | undefined;
  private polling: NodeJS.Immediate | undefined;
  private readonly poll = (): void => {
    this.sleeping = undefined;
    this.polling = undefined;
    if (Number.isNaN(this.atMs)) return;
    if (nowMs() < this.atMs) {
      this.polling = setImmediate(this.poll);
      return;
    }
    this.atMs = NaN;
    this.callback();
  };

  constructor(private readonly callback: () => void) {}

  arm(atMs: number): void {
    this.disarm();
    this.atMs = atMs;
    const wait = atMs - nowMs() - SPIN_WINDOW_MS;
    if (wait > 0) this.sleeping = setTimeout(this.poll, wait);
    else this.polling = setImmediate(this.poll);
  }

  disarm(): void {
    this.atMs = NaN;
    if (this.sleeping !== undefined) clearTimeout(this.sleeping);
    if (this.polling !== undefined) clearImmediate(this.polling);
    this.sleeping = undefined;
    this.polling = undefined;
  }

  close(): void {
    this.disarm();
  }
}

class LibuvTimer implements PreciseTimer {
  readonly kind = 'libuv';
  private pending: NodeJS.Timeout | undefined;
  private readonly fire = (): void => {
    this.pending = undefined;
    this.callback();
  };

  constructor(private readonly callback: () => void) {}

  arm(atMs: number): void {
    this.disarm();
    this.pending = setTimeout(this.fire, Math.max(0, atMs - nowMs()));
  }

  disarm(): void {
    if (this.pending !== undefined) clearTimeout(this.pending);
    this.pending = undefined;
  }

  close(): void {
    this.disarm();
  }
}
