// PINGREQ: answer PINGRESP [MQTT-3.12.4-1]. Activity itself was recorded when the bytes arrived.
import type { PingreqPacket } from '../../wire/types.js';
import type { PacketContext } from './context.js';

export function handlePingreq(ctx: PacketContext, _packet: PingreqPacket): void {
  ctx.send({ type: 'pingresp' });
}
