// Waiting for the broker's reply to a request (SUBACK, UNSUBACK, PUBACK, PUBREC, PUBCOMP, PINGRESP)
// without consuming unrelated packets: those stay in the inbox for later expect steps.
import type { Packet } from '../../../wire/index.js';
import type { AckExpectation } from '../../scenario/types.js';
import { describeEvent, type ScenarioClient } from '../client.js';
import { StepFailure, type RunContext } from '../context.js';
import { interpolate } from '../interpolate.js';
import { matchPacket } from '../match.js';
import { waitFor } from '../wait.js';

export async function awaitReply<T extends Packet['type']>(
  ctx: RunContext,
  client: ScenarioClient,
  type: T,
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
          const packet = event.packet as Packet & { packetId?: number };
          if (packet.type === type && (packetId === undefined || packet.packetId === packetId)) {
            client.consume(event);
            return packet as Packet;
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

/** Check a reply against the step's expectation ('success': every reason code below 0x80). */
export function checkReply(
  ctx: RunContext,
  client: ScenarioClient,
  packet: Packet,
  expectation: AckExpectation,
): void {
  if (expectation === 'none') return;
  const fields = packet as unknown as { reasonCode?: number; reasonCodes?: number[] };
  if (expectation === 'success') {
    const codes = fields.reasonCodes ?? [fields.reasonCode ?? 0];
    const bad = codes.filter((code) => code >= 0x80);
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
