// `connect`: send CONNECT (on the open connection, or a new one) and wait for the expected outcome,
// CONNACK reason 0 by default. A v5 CONNACK that denies a capability the scenario requires turns the
// scenario into a skip. `reconnect` (reconnect.ts) is the same on a fresh connection.
import { Type } from '@sinclair/typebox';
import type { Properties } from '../../../wire/index.js';
import { Bytes, ref } from '../packet-schema.js';
import { alternativesOf, AlternativeSchema, expectOne, type Alternative } from '../alternatives.js';
import { defineStep } from '../define.js';
import { buildConnect, buildOverrides } from '../runtime/build.js';
import { capabilitiesDeniedByConnack, ScenarioSkip, type RunContext } from '../runtime/context.js';
import { interpolate } from '../runtime/interpolate.js';
import {
  byte,
  clientName,
  closed,
  connackPattern,
  encoding,
  ms,
  sendProperties,
  sendWill,
} from '../schema-parts.js';

const ConnectSchema = Type.Object(
  {
    client: Type.Optional(clientName),
    clientId: Type.Optional(Type.String()),
    cleanStart: Type.Optional(Type.Boolean()),
    keepAlive: Type.Optional(Type.Integer({ minimum: 0, maximum: 65535 })),
    protocolName: Type.Optional(Type.String()),
    protocolLevel: Type.Optional(byte),
    will: Type.Optional(sendWill),
    username: Type.Optional(Type.String()),
    password: Type.Optional(ref(Bytes)),
    properties: Type.Optional(sendProperties),
    encoding: Type.Optional(encoding),
    expect: Type.Optional(
      Type.Union([
        Type.Literal('none'),
        connackPattern,
        Type.Object({ oneOf: Type.Array(AlternativeSchema, { minItems: 1 }) }, closed),
      ]),
    ),
    timeout: Type.Optional(ms('wait for CONNACK at most this long')),
  },
  closed,
);

/** `connect` (`reopen` false: reuse an open connection) or `reconnect` (always a new one). */
export function connectStep(reopen: boolean) {
  return defineStep({
    schema: ConnectSchema,
    resolve(input, ctx) {
      const { client, expect, timeout, encoding, ...fields } = input;
      let alternatives: 'none' | Alternative[];
      if (expect === 'none') alternatives = 'none';
      else if (expect === undefined) alternatives = [{ packet: { type: 'connack', reasonCode: 0 } }];
      else if ('oneOf' in expect) {
        const list = alternativesOf(expect.oneOf, ['expect', 'oneOf'], ctx);
        if (!list) return undefined;
        alternatives = list;
      } else alternatives = [{ packet: { ...expect, type: 'connack' } }];
      return {
        client: ctx.client(client),
        /** CONNECT fields given in the file (clientId, cleanStart, will, properties, ...). */
        fields,
        ...(encoding !== undefined && { encoding }),
        /** `none`: do not wait; otherwise the allowed outcomes (default: CONNACK with reason 0). */
        expect: alternatives,
        ...(timeout !== undefined && { timeout }),
      };
    },
    async run(ctx, step) {
      const client = ctx.client(step.client);
      if (reopen || !client.isOpen) await ctx.reopen(client);
      const fields = interpolate(step.fields, ctx.vars);
      const packet = buildConnect(fields, client, ctx.credentials);
      if (packet.type === 'connect' && packet.will?.retain) ctx.retainedTopics.add(packet.will.topic);
      client.send(packet, buildOverrides(interpolate(step.encoding, ctx.vars)));
      if (step.expect === 'none') return;
      // A CONNACK that denies a required capability skips the scenario, whatever else it says.
      const timeoutMs = step.timeout ?? ctx.stepTimeout;
      const event = await expectOne(ctx, client, step.expect, timeoutMs, 'strict').catch((error: unknown) => {
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
    },
  });
}

export const connect = connectStep(false);

function checkCapabilities(ctx: RunContext, properties: Properties | undefined): void {
  if (ctx.version !== '5.0') return;
  const denied = capabilitiesDeniedByConnack(properties);
  const missing = ctx.requires.filter((capability) => denied.includes(capability));
  if (missing.length > 0) throw new ScenarioSkip(`the broker's CONNACK says it lacks: ${missing.join(', ')}`);
}
