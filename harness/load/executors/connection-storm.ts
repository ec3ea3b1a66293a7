// connection-storm: `connections` clients connect at `connectRate` per second (0: all at once),
// each holds its connection for `hold`, then sends DISCONNECT. Latency is the connect time
// (TCP + CONNECT → CONNACK) measured from each connection's intended start.
import type { LoadClient } from '../client.js';
import { nowMs } from '../clock.js';
import type { LoadSection } from '../schema.js';
import { durationMs, parseDuration } from '../duration.js';
import type { Executor, ExecutorContext, ExecutorPlan } from './types.js';

export const connectionStorm: Executor = {
  type: 'connection-storm',
  validate(section: LoadSection): string[] {
    const errors: string[] = [];
    if (section.connections === undefined) errors.push('connection-storm: `connections` is required');
    if (section.hold !== undefined && parseDuration(section.hold) === undefined)
      errors.push('connection-storm: `hold` is not a duration');
    if (section.publishers !== undefined || section.subscribers !== undefined)
      errors.push('connection-storm: `publishers`/`subscribers` do not apply (it opens bare connections)');
    return errors;
  },
  plan(section: LoadSection): ExecutorPlan {
    const connections = section.connections ?? 0;
    const connectRate = section.connectRate ?? 0;
    const hold = durationMs(section.hold, 1000);
    const rampMs = connectRate > 0 ? (connections * 1000) / connectRate : 0;
    return {
      durationMs: rampMs + hold,
      intended: connections,
      settings: { connections, connectRate, holdMs: hold },
    };
  },
  async run(context: ExecutorContext): Promise<void> {
    const { connections, connectRate, holdMs } = context.plan.settings as {
      connections: number;
      connectRate: number;
      holdMs: number;
    };
    const pending: Promise<void>[] = [];
    const holdOne = async (client: LoadClient): Promise<void> => {
      await context.sleepUntil(nowMs() + holdMs);
      await client.disconnect(true);
    };
    for (let n = context.share.index; n < connections && !context.signal.aborted; n += context.share.count) {
      const intendedMs = context.startMs + (connectRate > 0 ? (n * 1000) / connectRate : 0);
      await context.sleepUntil(intendedMs);
      context.addIntended(1);
      pending.push(
        context
          .openConnection(n, intendedMs)
          .then((client) => (client === undefined ? undefined : holdOne(client))),
      );
    }
    await Promise.all(pending);
  },
};
