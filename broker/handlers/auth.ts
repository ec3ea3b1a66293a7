// AUTH: this broker supports no enhanced authentication method, so a client may never send AUTH
// (it did not, and could not, connect with an Authentication Method) [MQTT-4.12.0-7].
import { ReasonCode } from '../../wire/index.js';
import type { AuthPacket } from '../../wire/types.js';
import type { PacketContext } from './context.js';

export function handleAuth(ctx: PacketContext, _packet: AuthPacket): void {
  ctx.fail(ReasonCode.ProtocolError, 'AUTH without an authentication method', 'MQTT-4.12.0-7');
}
