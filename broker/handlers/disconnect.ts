// DISCONNECT from the client: a normal end discards the will [MQTT-3.14.4-3] (3.1.1 and 5.0);
// any other v5 reason code (0x04 Disconnect with Will Message) keeps it; v5 may update the session expiry interval.
import { ReasonCode } from '../../wire/index.js';
import type { DisconnectPacket } from '../../wire/types.js';
import type { DisconnectContext } from './context.js';

export function handleDisconnect(ctx: DisconnectContext, packet: DisconnectPacket): void {
  const reasonCode = packet.reasonCode ?? ReasonCode.NormalDisconnection;
  const expiry = packet.properties?.sessionExpiryInterval;
  if (ctx.version === 5 && expiry !== undefined) {
    if (ctx.connectSessionExpiry === 0 && expiry !== 0) {
      // A session that was to end with the connection cannot be made persistent at DISCONNECT.
      return ctx.fail(
        ReasonCode.ProtocolError,
        'session expiry interval set on DISCONNECT after 0 at CONNECT',
      );
    }
    const capped = Math.min(expiry, ctx.options.maxSessionExpiryInterval);
    ctx.session.expiryInterval = capped === 0xffff_ffff ? Number.POSITIVE_INFINITY : capped;
  }
  // Only reason 0x00 discards the will; 0x04 (and any error code) asks for it to be published.
  ctx.disconnect(ctx.version === 5 && reasonCode !== ReasonCode.NormalDisconnection);
}
