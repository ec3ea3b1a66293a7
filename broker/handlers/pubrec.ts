// PUBREC from the client: answer PUBREL (QoS 2 step 2), or drop the message on an error reason code.
import { ReasonCode } from '../../wire/index.js';
import type { AckPacket } from '../../wire/types.js';
import type { AckContext } from './context.js';

export function handlePubrec(ctx: AckContext, packet: AckPacket): void {
  const { packetId } = packet;
  const entry = ctx.session.inflightEntry(packetId);
  if (entry === undefined || entry.qos !== 2) {
    // v5: PUBREL 0x92 Packet Identifier not found.
    ctx.send(
      ctx.version === 5
        ? { type: 'pubrel', packetId, reasonCode: ReasonCode.PacketIdentifierNotFound }
        : { type: 'pubrel', packetId },
    );
    return;
  }
  if ((packet.reasonCode ?? ReasonCode.Success) >= ReasonCode.UnspecifiedError) {
    // [MQTT-4.4.0-2] [MQTT-4.3.3-3] an error PUBREC ends the exchange: no PUBREL, no resend.
    ctx.session.release(packetId);
    ctx.drain();
    return;
  }
  // [MQTT-4.3.3-4] same packet id; [MQTT-4.3.3-6] the PUBLISH is never resent after this.
  entry.state = 'pubrel';
  ctx.send({ type: 'pubrel', packetId });
}
