// The drain and the network path. The drain ends early on a quiet spell (nothing received for a
// second) when messages are missing: QoS 0 messages a broker dropped never come. But silence does
// not prove loss when the path drops packets: TCP then resends on a timeout that doubles after each
// loss (200 ms, 400, 800, ...; seconds when a busy machine inflates the measured round trip), and a
// connection can be silent for several seconds while its data is still on the way. A path that can
// tell how many bytes it holds (a kernel profile: its sockets' queues; LoadRunContext.pathInFlight)
// is asked during the drain; the quiet spell then ends the drain only once the path said it holds
// nothing, and never while it holds bytes. The drain timeout still bounds it all.
import { nowMs } from './clock.js';
import type { EngineMessage } from './protocol.js';

const PROBE_EVERY_MS = 200;

/**
 * Engine side: asks the path what it holds until `done` settles, and tells the workers after each
 * answer. A probe that fails or cannot tell (undefined) counts as an empty path: the old quiet rule.
 */
export async function probePath(
  probe: () => Promise<number | undefined>,
  broadcast: (message: EngineMessage) => void,
  done: Promise<unknown>,
): Promise<void> {
  let finished = false;
  void done.finally(() => (finished = true));
  while (!finished) {
    let bytes: number | undefined;
    try {
      bytes = await probe();
    } catch {
      bytes = undefined;
    }
    if (finished) break;
    broadcast({ type: 'path', busy: (bytes ?? 0) > 0 });
    await Promise.race([done, new Promise((resolve) => setTimeout(resolve, PROBE_EVERY_MS).unref())]);
  }
}

/** Worker side: what the probes said, on this thread's clock. */
export class PathWatch {
  private busyAtMs = 0;
  private clearAtMs = 0;
  /** The engine probes the path in this drain (set by the drain message). */
  probed = false;

  record(busy: boolean): void {
    if (busy) this.busyAtMs = nowMs();
    else this.clearAtMs = nowMs();
  }

  /** The quiet spell starts after the last time the path held bytes. */
  quietSince(sinceMs: number): number {
    return Math.max(sinceMs, this.busyAtMs);
  }

  /** A quiet spell may end the drain: the path was not probed, or said it was empty since. */
  mayEnd(quietSinceMs: number): boolean {
    return !this.probed || this.clearAtMs > quietSinceMs;
  }
}
