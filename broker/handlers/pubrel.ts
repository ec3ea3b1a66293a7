// PUBREL from the client: the inbound QoS 2 exchange completes with PUBCOMP.
import { ReasonCode } from '../../wire/index.js';
import type { AckPacket } from '../../wire/types.js';
import type { AckContext } from './context.js';

export function handlePubrel(ctx: AckContext, packet: AckPacket): void {
  const { packetId } = packet;
  // After PUBCOMP the id is free: a later PUBLISH with it is a new message [MQTT-4.3.3-12].
  const known = ctx.session.deleteIncomingQos2(packetId);
  if (ctx.has('no-pubcomp')) return;
  // [MQTT-4.3.3-11] PUBCOMP with the same packet id; v5 0x92 when the id was not awaiting PUBREL.
  if (!known && ctx.version === 5)
    ctx.send({ type: 'pubcomp', packetId, reasonCode: ReasonCode.PacketIdentifierNotFound });
  else ctx.send({ type: 'pubcomp', packetId });
}
