// `connect` / `reconnect`: send CONNECT (on the open connection, or a new one) and wait for the
// expected outcome, CONNACK reason 0 by default. A v5 CONNACK that denies a capability the scenario
// requires turns the scenario into a skip.
import type { ConnectStep } from '../../scenario/types.js';
import { buildConnect, buildOverrides } from '../build.js';
import { capabilitiesDeniedByConnack, ScenarioSkip, type RunContext } from '../context.js';
import { interpolate } from '../interpolate.js';
import { expectOne } from './expect.js';

export async function runConnect(ctx: RunContext, step: ConnectStep): Promise<void> {
  const client = ctx.client(step.client);
  if (step.kind === 'reconnect' || !client.isOpen) await ctx.reopen(client);
  const fields = interpolate(step.fields, ctx.vars);
  const packet = buildConnect(fields, client, ctx.credentials);
  if (packet.type === 'connect' && packet.will?.retain) ctx.retainedTopics.add(packet.will.topic);
  client.send(packet, buildOverrides(interpolate(step.encoding, ctx.vars)));
  if (step.expect === 'none') return;
  // A CONNACK that denies a required capability skips the scenario, whatever else it says.
  const timeoutMs = step.timeout ?? ctx.stepTimeout;
  const event = await expectOne(ctx, client, step.expect, timeoutMs, false).catch((error: unknown) => {
    const seen = client.log.findLast((e) => e.kind === 'packet' && e.packet.type === 'connack');
    if (seen?.kind === 'packet' && seen.packet.type === 'connack')
      checkCapabilities(ctx, seen.packet.properties);
    throw error;
  });
  if (event.kind === 'packet' && event.packet.type === 'connack') {
    checkCapabilities(ctx, event.packet.properties);
    const assigned = event.packet.properties?.assignedClientIdentifier;
    if (assigned !== undefined) client.clientId = assigned;
  }
}

function checkCapabilities(ctx: RunContext, properties: object | undefined): void {
  if (ctx.version !== '5.0') return;
  const denied = capabilitiesDeniedByConnack(properties as Record<string, unknown> | undefined);
  const missing = ctx.scenario.requires.filter((capability) => denied.includes(capability));
  if (missing.length > 0) throw new ScenarioSkip(`the broker's CONNACK says it lacks: ${missing.join(', ')}`);
}
