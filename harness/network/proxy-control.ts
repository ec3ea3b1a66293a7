// The one view the rest of the harness has of a running proxy, wherever it runs: in its own worker
// thread (proxy-thread.ts, what applyProfile starts) or in the calling thread (startTcpProxy).
// Every call is asynchronous because the figures live in the proxy's thread.
import type { RunningProxy } from './proxy.js';
import type { MeasuredEffect, ProxyStats } from './stats.js';

export interface ProxySnapshot {
  effect: MeasuredEffect;
  /** Connections open right now. */
  openConnections: number;
}

export interface ProxyControl {
  readonly host: string;
  readonly port: number;
  /** Where the proxy's event loop runs: 'worker-thread' or 'calling-thread'. */
  readonly runsIn: 'worker-thread' | 'calling-thread';
  /** What the proxy measured since it started. */
  snapshot(): Promise<ProxySnapshot>;
  /** Starts measuring apart (one load's share); returns the window's id for `closeWindow`. */
  openWindow(): Promise<number>;
  /** What happened while the window was open. */
  closeWindow(id: number): Promise<MeasuredEffect>;
  /** Stops the proxy (its connections too); resolves with what it measured over its whole life. */
  close(): Promise<MeasuredEffect>;
}

/** Windows by id over one ProxyStats (shared by both implementations). */
export class StatsWindows {
  private readonly open = new Map<number, ProxyStats>();
  private next = 1;
  constructor(private readonly stats: ProxyStats) {}

  openWindow(): number {
    const id = this.next++;
    this.open.set(id, this.stats.openWindow());
    return id;
  }

  closeWindow(id: number): MeasuredEffect {
    const window = this.open.get(id);
    if (window === undefined) throw new Error(`no measurement window ${id}`);
    this.open.delete(id);
    return this.stats.closeWindow(window);
  }
}

/** A proxy running in the calling thread (tests with a seeded random, `harness record`). */
export function controlInThread(proxy: RunningProxy): ProxyControl {
  const windows = new StatsWindows(proxy.stats);
  return {
    host: proxy.host,
    port: proxy.port,
    runsIn: 'calling-thread',
    snapshot: () =>
      Promise.resolve({ effect: proxy.stats.snapshot(), openConnections: proxy.openConnections }),
    openWindow: () => Promise.resolve(windows.openWindow()),
    closeWindow: (id) => Promise.resolve(windows.closeWindow(id)),
    close: async () => {
      await proxy.close();
      return proxy.stats.snapshot();
    },
  };
}
