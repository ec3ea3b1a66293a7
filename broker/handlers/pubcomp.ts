// PUBCOMP from the client: the outbound QoS 2 message is complete.
import type { AckPacket } from '../../wire/types.js';
import type { AckContext } from './context.js';

export function handlePubcomp(ctx: AckContext, packet: AckPacket): void {
  const entry = ctx.session.inflightEntry(packet.packetId);
  if (entry === undefined || entry.qos !== 2) {
    ctx.log('debug', 'PUBCOMP for an unknown packet id', { packetId: packet.packetId });
    return;
  }
  // [MQTT-4.3.3-5] the PUBREL was unacknowledged until now.
  ctx.session.release(packet.packetId);
  ctx.drain();
}
