// PUBACK from the client: the QoS 1 message is delivered; its packet id and quota are free again.
import type { AckPacket } from '../../wire/types.js';
import type { AckContext } from './context.js';

export function handlePuback(ctx: AckContext, packet: AckPacket): void {
  const entry = ctx.session.inflightEntry(packet.packetId);
  if (entry === undefined || entry.qos !== 1) {
    ctx.log('debug', 'PUBACK for an unknown packet id', { packetId: packet.packetId });
    return;
  }
  // [MQTT-4.3.2-3] unacknowledged until now; [MQTT-4.9.0-1] the send quota grows back.
  ctx.session.release(packet.packetId);
  ctx.drain();
}
