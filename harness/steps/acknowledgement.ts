// Request steps that complete their own exchange (subscribe → SUBACK, unsubscribe → UNSUBACK,
// publish → PUBACK / PUBREC…PUBCOMP, ping → PINGRESP): the `expect` they accept, and waiting for the
// broker's reply without consuming unrelated packets (those stay for later expect steps).
import { Type } from '@sinclair/typebox';
import type { Packet } from '../../wire/index.js';
import type { DataObject } from './data.js';
import { describeEvent, type ScenarioClient } from './runtime/client.js';
import { StepFailure, type RunContext } from './runtime/context.js';
import { interpolate } from './runtime/interpolate.js';
import { matchPacket } from './runtime/match.js';
import { waitFor } from './runtime/wait.js';
import { byte, closed } from './schema-parts.js';
import { matchable, PatternProperties, ref } from './packet-schema.js';

/** Expected acknowledgement: 'success' (every reason code below 0x80), 'none', or a pattern. */
export type AckExpectation = 'none' | 'success' | DataObject;

export const AckExpectSchema = Type.Union([
  Type.Literal('none'),
  Type.Unsafe<DataObject>(
    Type.Object(
      {
        reasonCode: Type.Optional(matchable(byte)),
        reasonCodes: Type.Optional(matchable(Type.Array(byte))),
        properties: Type.Optional(matchable(ref(PatternProperties))),
      },
      closed,
    ),
  ),
]);

export function ackExpectation(expect: 'none' | DataObject | undefined): AckExpectation {
  return expect ?? 'success';
}

export async function awaitReply(
  ctx: RunContext,
  client: ScenarioClient,
  type: Packet['type'],
  packetId: number | undefined,
  timeoutMs: number,
): Promise<Packet> {
  const started = ctx.clock();
  const expected = [{ packet: { type, ...(packetId !== undefined && { packetId }) } }];
  const result = await waitFor(
    [client],
    () => {
      for (const event of client.pending()) {
        if (event.kind === 'packet') {
          const packet = event.packet;
          if (packet.type === type && (packetId === undefined || packetIdOf(packet) === packetId)) {
            client.consume(event);
            return packet;
          }
          continue;
        }
        throw new StepFailure(`waiting for ${type.toUpperCase()}, got ${describeEvent(event)}`, {
          client: client.name,
          expected,
          elapsedMs: ctx.clock() - started,
        });
      }
      return undefined;
    },
    timeoutMs,
    ctx.signal,
  );
  if (result === 'timeout') {
    throw new StepFailure(`no ${type.toUpperCase()} within ${timeoutMs} ms`, {
      client: client.name,
      expected,
      elapsedMs: ctx.clock() - started,
    });
  }
  return result;
}

function packetIdOf(packet: Packet): number | undefined {
  return 'packetId' in packet ? packet.packetId : undefined;
}

/** The reason codes of a reply: `reasonCodes` (SUBACK, UNSUBACK) or `reasonCode` (0 when absent). */
export function reasonCodesOf(packet: Packet): readonly number[] {
  if ('reasonCodes' in packet && Array.isArray(packet.reasonCodes)) return packet.reasonCodes;
  return ['reasonCode' in packet && typeof packet.reasonCode === 'number' ? packet.reasonCode : 0];
}

/** Checks a reply against the step's expectation ('success': every reason code below 0x80). */
export function checkReply(
  ctx: RunContext,
  client: ScenarioClient,
  packet: Packet,
  expectation: AckExpectation,
): void {
  if (expectation === 'none') return;
  if (expectation === 'success') {
    const bad = reasonCodesOf(packet).filter((code) => code >= 0x80);
    if (bad.length > 0) {
      throw new StepFailure(
        `${packet.type.toUpperCase()} reports failure: ${bad.map((c) => `0x${c.toString(16)}`).join(', ')}`,
        { client: client.name, expected: [{ packet: { type: packet.type, reasonCodes: 'each < 0x80' } }] },
      );
    }
    return;
  }
  const pattern = { type: packet.type, ...interpolate(expectation, ctx.vars) };
  const mismatch = matchPacket(pattern, packet);
  if (mismatch !== undefined) {
    throw new StepFailure(`${packet.type.toUpperCase()} does not match: ${mismatch}`, {
      client: client.name,
      expected: [{ packet: pattern }],
    });
  }
}
