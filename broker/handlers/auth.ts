// AUTH on a connected session: re-authentication [MQTT-4.12.1]. Only a connection that authenticated
// with an enhanced method may send AUTH [MQTT-4.12.0-7], with that same method [MQTT-4.12.1-1]:
// 0x19 starts a new exchange, 0x18 continues it; success is answered with AUTH 0x00, failure closes
// the connection with DISCONNECT 0x87 [MQTT-4.12.1-2].
import { ReasonCode } from '../../wire/index.js';
import type { AuthPacket } from '../../wire/types.js';
import type { AuthContext } from './context.js';

export function handleAuth(ctx: AuthContext, packet: AuthPacket): void {
  const name = ctx.authenticationMethod;
  const method = ctx.options.enhancedAuthentication.find((offered) => offered.name === name);
  if (name === undefined || method === undefined) {
    return ctx.fail(ReasonCode.ProtocolError, 'AUTH without an authentication method', 'MQTT-4.12.0-7');
  }
  if (packet.properties?.authenticationMethod !== name) {
    return ctx.fail(ReasonCode.ProtocolError, 'AUTH with another authentication method', 'MQTT-4.12.1-1');
  }
  const reasonCode = packet.reasonCode ?? ReasonCode.Success;
  let exchange = ctx.reauthentication;
  if (reasonCode === ReasonCode.ReAuthenticate && exchange === undefined) exchange = method.start();
  else if (reasonCode !== ReasonCode.ContinueAuthentication || exchange === undefined) {
    return ctx.fail(ReasonCode.ProtocolError, `unexpected AUTH reason code 0x${reasonCode.toString(16)}`);
  }
  const result = exchange.step(packet.properties.authenticationData);
  ctx.reauthentication = result.kind === 'continue' ? exchange : undefined;
  if (result.kind === 'failure') {
    ctx.log('info', 're-authentication failed', { reason: result.reason });
    if (ctx.has('reauth-failure-ignored')) return;
    return ctx.fail(ReasonCode.NotAuthorized, 're-authentication failed', 'MQTT-4.12.1-2');
  }
  ctx.send({
    type: 'auth',
    reasonCode: result.kind === 'continue' ? ReasonCode.ContinueAuthentication : ReasonCode.Success,
    properties: {
      authenticationMethod: name,
      ...(result.data !== undefined && { authenticationData: result.data }),
    },
  });
}
