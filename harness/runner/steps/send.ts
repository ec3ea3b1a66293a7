// `send` (a wire packet, possibly deliberately malformed through `encoding`) and `raw` (hex bytes).
import type { RawStep, SendStep } from '../../scenario/types.js';
import { buildOverrides, buildPacket } from '../build.js';
import { parseHex } from '../bytes.js';
import type { RunContext } from '../context.js';
import { interpolate } from '../interpolate.js';

export async function runSend(ctx: RunContext, step: SendStep): Promise<void> {
  const client = ctx.client(step.client);
  await ctx.ensureOpen(client);
  const packet = buildPacket(interpolate(step.packet, ctx.vars), client, ctx.credentials);
  if (packet.type === 'publish' && packet.retain) ctx.retainedTopics.add(packet.topic);
  if (packet.type === 'connect' && packet.will?.retain) ctx.retainedTopics.add(packet.will.topic);
  client.send(packet, buildOverrides(interpolate(step.encoding, ctx.vars)));
}

export async function runRaw(ctx: RunContext, step: RawStep): Promise<void> {
  const client = ctx.client(step.client);
  await ctx.ensureOpen(client);
  client.writeRaw(parseHex(interpolate(step.hex, ctx.vars)));
}
