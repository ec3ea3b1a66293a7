// Dispatch of the packets of a connected session, one handler file per packet type, by an
// exhaustive switch (a packet type without a case does not compile).
import { ReasonCode } from '../../wire/index.js';
import type { Packet } from '../../wire/types.js';
import type { SessionServices } from '../contexts.js';
import { handleAuth } from './auth.js';
import { handleDisconnect } from './disconnect.js';
import { handlePingreq } from './pingreq.js';
import { handlePuback } from './puback.js';
import { handlePubcomp } from './pubcomp.js';
import { handlePublish } from './publish.js';
import { handlePubrec } from './pubrec.js';
import { handlePubrel } from './pubrel.js';
import { handleSubscribe } from './subscribe.js';
import { handleUnsubscribe } from './unsubscribe.js';

/** Packets a connected client may send, other than CONNECT (handled by the connection itself). */
export function dispatchSessionPacket(
  services: SessionServices,
  packet: Exclude<Packet, { type: 'connect' }>,
): void {
  switch (packet.type) {
    case 'publish':
      return handlePublish(services, packet);
    case 'puback':
      return handlePuback(services, packet);
    case 'pubrec':
      return handlePubrec(services, packet);
    case 'pubrel':
      return handlePubrel(services, packet);
    case 'pubcomp':
      return handlePubcomp(services, packet);
    case 'subscribe':
      return handleSubscribe(services, packet);
    case 'unsubscribe':
      return handleUnsubscribe(services, packet);
    case 'pingreq':
      return handlePingreq(services, packet);
    case 'disconnect':
      return handleDisconnect(services, packet);
    case 'auth':
      return handleAuth(services, packet);
    case 'connack':
    case 'suback':
    case 'unsuback':
    case 'pingresp':
      return services.fail(ReasonCode.ProtocolError, `${packet.type} sent by a client`);
    default:
      return assertNever(packet);
  }
}

/** Packets that pass a publisher held by flow control: they free subscribers, never add load. */
export function passesFlowControl(type: Packet['type']): boolean {
  return (
    type === 'puback' || type === 'pubrec' || type === 'pubrel' || type === 'pubcomp' || type === 'pingreq'
  );
}

function assertNever(value: never): never {
  throw new Error(`unexpected packet ${JSON.stringify(value)}`);
}
