// connection-storm: `connections` clients connect at `connectRate` per second (0: all at once),
// each holds its connection until `hold` after its intended start, then sends DISCONNECT. Latency is
// the connect time (TCP + CONNECT → CONNACK) measured from each connection's intended start. The hold
// too runs from the intended start, so a late connection does not lengthen the schedule: the run
// ends `ramp + hold` after its start however slow the connects were (a shard that ran past the
// engine's budget was aborted before).
import { Type, type Static } from '@sinclair/typebox';
import type { LoadClient } from '../client.js';
import { nowMs } from '../clock.js';
import { durationMs } from '../duration.js';
import { durationSchema, executorSchema } from '../section-parts.js';
import { defineExecutor, type ExecutorPlan } from './types.js';

export const ConnectionStormSection = executorSchema(
  'connection-storm',
  {
    connections: Type.Integer({ minimum: 1, description: 'clients to connect' }),
    hold: Type.Optional(durationSchema('how long each connection stays open (default 1 s)')),
    keepAlive: Type.Optional(
      Type.Integer({ minimum: 0, maximum: 65535, description: 'CONNECT keep alive, seconds (default 0)' }),
    ),
  },
  'bare connections: connect at `connectRate`, hold, disconnect; latency is the connect time',
);
export type ConnectionStormSection = Static<typeof ConnectionStormSection>;

/**
 * Why a connection storm takes no `warmup` (its schema has no such key; `harness bench conn-storm
 * --warmup` is refused with this reason). Its figures are one burst of connections from a cold
 * start, and what judges the burst, the kernel's listen-queue overflows and SYN retransmits, is
 * counted over the whole run: a warm-up burst before it could not be kept out of them.
 */
export const STORM_HAS_NO_WARMUP =
  'a connection storm has no warm-up: it measures one burst of connections, and the kernel counters that judge it (listen-queue overflows, SYN retransmits) cover the whole run, so a warm-up burst could not be kept out of its figures; run a separate load first to warm the broker';

export interface ConnectionStormPlan extends ExecutorPlan {
  intended: number;
  connectRate: number;
  holdMs: number;
  keepAlive: number;
}

export const connectionStorm = defineExecutor({
  schema: ConnectionStormSection,
  plan(section): ConnectionStormPlan {
    const connectRate = section.connectRate ?? 0;
    const holdMs = durationMs(section.hold, 1000);
    const rampMs = connectRate > 0 ? (section.connections * 1000) / connectRate : 0;
    return {
      durationMs: rampMs + holdMs,
      intended: section.connections,
      openEnded: true,
      connections: section.connections,
      peakRate: undefined,
      connectRate,
      holdMs,
      keepAlive: section.keepAlive ?? 0,
    };
  },
  async run(context, plan): Promise<void> {
    const pending: Promise<void>[] = [];
    const holdOne = async (client: LoadClient, intendedMs: number): Promise<void> => {
      const endMs = intendedMs + plan.holdMs;
      // An idle connection with a keep alive sends PINGREQ once per interval, as a client must; a
      // broker closes one silent for 1.5 intervals [MQTT-3.1.2-24] (counted as an error).
      const everyMs = plan.keepAlive * 1000;
      for (let next = nowMs() + everyMs; everyMs > 0 && next < endMs && client.connected; next += everyMs) {
        await context.sleepUntil(next);
        if (!client.connected) break;
        await client.ping().catch(() => undefined); // a dead connection is reported by its close
      }
      await context.sleepUntil(endMs);
      await client.disconnect(true);
    };
    const { from, to } = context.slice(plan.intended);
    for (let n = from + context.share.index; n < to && !context.signal.aborted; n += context.share.count) {
      const intendedMs = context.startMs + (plan.connectRate > 0 ? (n * 1000) / plan.connectRate : 0);
      await context.sleepUntil(intendedMs);
      context.addIntended(1);
      pending.push(
        context
          .openConnection(n, intendedMs, plan.keepAlive)
          .then((client) => (client === undefined ? undefined : holdOne(client, intendedMs))),
      );
    }
    await Promise.all(pending);
  },
});
