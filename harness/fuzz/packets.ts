// Phase 'packets': one connection per fuzz case (generate.ts), several at a time, each written in
// its chunks and held briefly so the broker answers or closes it.
import { openSocket } from './client.js';
import { fuzzCase } from './generate.js';
import { running, sleep, type Phase, type PhaseContext, type PhaseStats } from './phase.js';

const PARALLEL = 8;
const HOLD_MS = 100;

export const packetsPhase: Phase = {
  name: 'packets',
  description:
    'generated, deviating and mutated packets of every type, MQTT 3.1.1 and 5.0, one connection per case',
  async run(context: PhaseContext): Promise<PhaseStats> {
    const deadline = Date.now() + context.durationMs;
    const stats = { cases: 0, packets: 0, closedByBroker: 0, connectFailures: 0 };
    let next = 0;
    const worker = async (): Promise<void> => {
      while (running(context, deadline)) {
        const current = fuzzCase(context.random, next++);
        context.recordCase(current);
        stats.cases++;
        stats.packets += current.parts.length;
        let socket;
        try {
          socket = await openSocket(context.address, 5000);
        } catch {
          stats.connectFailures++;
          await sleep(200, context.signal);
          continue;
        }
        let closed = false;
        socket.on('close', () => (closed = true));
        socket.on('data', () => undefined);
        for (const chunk of current.chunks) {
          if (closed) break;
          socket.write(chunk);
        }
        await sleep(HOLD_MS, context.signal);
        if (closed) stats.closedByBroker++;
        socket.destroy();
      }
    };
    await Promise.all(Array.from({ length: PARALLEL }, worker));
    return stats;
  },
};
