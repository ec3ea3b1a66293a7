// CONNECT: validation (what the strict decoder has not already refused), authentication, then the
// decision applied by the connection: session, will, keep-alive, CONNACK.
import { ConnectReturnCode311, ReasonCode, validateTopicName } from '../../wire/index.js';
import type { ConnectPacket, Properties, ProtocolLevel } from '../../wire/types.js';
import type { EnhancedAuthMethod } from '../auth/enhanced.js';
import { forwardedProperties } from '../session/message.js';
import type { AuthenticateRequest } from '../options.js';
import type { ConnectContext, ConnectDecision } from './context.js';

const MQTT31_MAX_CLIENT_ID = 23;
/** Bytes of a v5 CONNACK carrying only a Reason String, besides the string itself. */
const CONNACK_WITH_REASON_OVERHEAD = 8;

export function handleConnect(ctx: ConnectContext, packet: ConnectPacket): void | Promise<void> {
  // Protocol name and level [MQTT-3.1.2-1] [MQTT-3.1.2-2], reserved flag [MQTT-3.1.2-3], will and
  // user name/password flags [MQTT-3.1.2-11..22] were checked by the decoder.
  const version = packet.protocolLevel as ProtocolLevel;
  ctx.setVersion(version);
  const v5 = version === 5;
  const properties = packet.properties ?? {};
  // Reason strings on a refusal only when the client did not set Request Problem Information to 0.
  // [MQTT-3.2.2-19] and never when the CONNACK would then exceed the client's Maximum Packet Size.
  const fits = (reason: string): boolean =>
    CONNACK_WITH_REASON_OVERHEAD + Buffer.byteLength(reason) <= (properties.maximumPacketSize ?? Infinity);
  const refuse = (code: number | undefined, reason?: string): void =>
    properties.requestProblemInformation === 0 || reason === undefined || !fits(reason)
      ? ctx.refuse(code)
      : ctx.refuse(code, reason);

  const methodName = v5 ? properties.authenticationMethod : undefined;
  if (methodName !== undefined) {
    const method = ctx.options.enhancedAuthentication.find((offered) => offered.name === methodName);
    // [MQTT-4.12.0-1] a method the server does not offer is refused.
    if (method === undefined) {
      return refuse(ReasonCode.BadAuthenticationMethod, 'authentication method not supported');
    }
    return authenticateEnhanced(ctx, method, properties.authenticationData, refuse, (done) =>
      proceed(ctx, packet, refuse, done),
    );
  }
  return proceed(ctx, packet, refuse, undefined);
}

/** What a successful enhanced authentication hands to the rest of CONNECT. */
interface Authenticated {
  username: string;
  /** Authentication Method (and final Authentication Data) for the CONNACK [MQTT-4.12.0-5]. */
  properties: Properties;
}

/**
 * One round of the enhanced authentication of a CONNECT: the method's answer to the client's data
 * goes back in AUTH 0x18 and the next AUTH continues it; success completes the CONNECT, failure
 * refuses it. Returns before the client answers: the AUTH packets come through `awaitAuth`.
 */
function authenticateEnhanced(
  ctx: ConnectContext,
  method: EnhancedAuthMethod,
  data: Buffer | undefined,
  refuse: (code: number | undefined, reason?: string) => void,
  done: (authenticated: Authenticated) => void | Promise<void>,
  exchange = method.start(),
): void | Promise<void> {
  const result = exchange.step(data);
  if (result.kind === 'failure') {
    return refuse(ReasonCode.NotAuthorized, `authentication failed: ${result.reason}`);
  }
  if (result.kind === 'success') {
    return done({
      username: result.username,
      properties: {
        authenticationMethod: method.name,
        ...(result.data !== undefined && { authenticationData: result.data }),
      },
    });
  }
  // [MQTT-4.12.0-2] [MQTT-4.12.0-3] AUTH with 0x18 Continue authentication; [MQTT-4.12.0-5] the
  // method of the CONNECT; the Reason String goes when it would exceed the client's Maximum
  // Packet Size [MQTT-3.15.2-2] [MQTT-3.15.2-3] (Connection.write).
  const continueCode = ctx.has('auth-continue-success-code')
    ? ReasonCode.Success
    : ReasonCode.ContinueAuthentication;
  ctx.send({
    type: 'auth',
    reasonCode: continueCode,
    properties: {
      authenticationMethod: method.name,
      authenticationData: result.data,
      ...ctx.problem(`continue ${method.name} authentication`),
    },
  });
  ctx.awaitAuth((auth) => {
    if (
      auth.reasonCode !== ReasonCode.ContinueAuthentication ||
      auth.properties?.authenticationMethod !== method.name
    ) {
      return ctx.fail(ReasonCode.ProtocolError, 'AUTH must continue the authentication with its method');
    }
    return authenticateEnhanced(ctx, method, auth.properties.authenticationData, refuse, done, exchange);
  });
}

/** The rest of CONNECT once the client is who it says (or enhanced authentication vouched for it). */
function proceed(
  ctx: ConnectContext,
  packet: ConnectPacket,
  refuse: (code: number | undefined, reason?: string) => void,
  enhanced: Authenticated | undefined,
): void | Promise<void> {
  const version = packet.protocolLevel as ProtocolLevel;
  const v5 = version === 5;
  const properties = packet.properties ?? {};
  const username = enhanced === undefined ? packet.username : enhanced.username;
  if (v5 && (properties.receiveMaximum === 0 || properties.maximumPacketSize === 0)) {
    return refuse(ReasonCode.ProtocolError, 'receive maximum and maximum packet size must not be 0');
  }
  if (ctx.atConnectionLimit())
    return refuse(
      v5 ? ReasonCode.ServerBusy : ConnectReturnCode311.ServerUnavailable,
      'too many connections',
    );

  const id = resolveClientId(ctx, packet, version);
  if ('refused' in id) return refuse(id.refused);
  const { clientId, assignedClientId } = id;
  const will = packet.will;
  const willRefusal = will === undefined ? undefined : checkWill(ctx, will, v5);
  if (willRefusal !== undefined) return refuse(willRefusal.code, willRefusal.reason);
  const decide = (): void =>
    ctx.accept(connectDecision(ctx, packet, { clientId, assignedClientId, username, enhanced }));

  // The will is published as this client: it must pass the same check as a PUBLISH of the client
  // would. Refused at CONNECT (Not authorized), so the client learns at once; checked again when
  // it is due (Broker.publishWill), as a hook's answer may change.
  const willAllowed = (): boolean => {
    if (will === undefined) return true;
    const client = username === undefined ? { clientId } : { clientId, username };
    return ctx.authorizePublish(client, will.topic);
  };
  const refuseWill = (): void =>
    refuse(v5 ? ReasonCode.NotAuthorized : ConnectReturnCode311.NotAuthorized, 'will topic not authorized');

  if (!ctx.needsAuthentication || enhanced !== undefined) return willAllowed() ? decide() : refuseWill();
  const request: AuthenticateRequest = { clientId };
  if (packet.username !== undefined) request.username = packet.username;
  if (packet.password !== undefined) request.password = packet.password;
  if (ctx.remoteAddress !== undefined) request.remoteAddress = ctx.remoteAddress;
  return ctx.authenticate(request).then((ok) => {
    if (!ok) {
      return refuse(
        v5 ? ReasonCode.BadUserNameOrPassword : ConnectReturnCode311.BadUserNameOrPassword,
        'bad user name or password',
      );
    }
    if (!willAllowed()) return refuseWill();
    decide();
  });
}

/** A refusing CONNACK's code (undefined: close without one) and reason string. */
interface Refusal {
  code: number | undefined;
  reason?: string;
}

/** The client id to use (assigned when empty and allowed), or the return code refusing it. */
function resolveClientId(
  ctx: ConnectContext,
  packet: ConnectPacket,
  version: ProtocolLevel,
): { clientId: string; assignedClientId: boolean } | { refused: number } {
  const clientId = packet.clientId;
  if (clientId.length === 0) {
    if (
      version === 3 ||
      (version === 4 && !packet.cleanStart && !ctx.has('accept-empty-clientid-persistent'))
    ) {
      // [MQTT-3.1.3-8] a zero-length client id needs clean session 1 (and MQTT 3.1 has no such case).
      return { refused: ConnectReturnCode311.IdentifierRejected };
    }
    // [MQTT-3.1.3-6] (3.1.1) / [MQTT-3.1.3-6] [MQTT-3.1.3-7] (5.0): assign a unique id.
    return { clientId: ctx.newClientId(), assignedClientId: true };
  } else if (version === 3 && Buffer.byteLength(clientId) > MQTT31_MAX_CLIENT_ID) {
    return { refused: ConnectReturnCode311.IdentifierRejected };
  }
  return { clientId, assignedClientId: false };
}

/** Why the will of a CONNECT is refused (topics, QoS, retain), or undefined when it is acceptable. */
function checkWill(
  ctx: ConnectContext,
  will: NonNullable<ConnectPacket['will']>,
  v5: boolean,
): Refusal | undefined {
  const responseTopic = will.properties?.responseTopic;
  if (responseTopic !== undefined && validateTopicName(responseTopic) !== undefined) {
    return { code: v5 ? ReasonCode.ProtocolError : undefined, reason: 'invalid will response topic' }; // [MQTT-3.3.2-14]
  }
  if (validateTopicName(will.topic) !== undefined)
    return { code: v5 ? ReasonCode.TopicNameInvalid : undefined, reason: 'invalid will topic' };
  // [MQTT-3.2.2-12] [MQTT-3.2.2-13] a will beyond what the server supports is refused.
  if (will.qos > ctx.options.maximumQoS && !ctx.has('ignore-maximum-qos'))
    return { code: v5 ? ReasonCode.QoSNotSupported : undefined, reason: 'will QoS not supported' };
  if (will.retain && !ctx.options.retainAvailable)
    return { code: v5 ? ReasonCode.RetainNotSupported : undefined, reason: 'retain not supported' };
  return undefined;
}

/** What the broker accepts: the session expiry, the will, the client's limits, the CONNACK properties. */
function connectDecision(
  ctx: ConnectContext,
  packet: ConnectPacket,
  accepted: {
    clientId: string;
    assignedClientId: boolean;
    username: string | undefined;
    enhanced: Authenticated | undefined;
  },
): ConnectDecision {
  const { clientId, assignedClientId, username, enhanced } = accepted;
  const v5 = packet.protocolLevel === 5;
  const properties = packet.properties ?? {};
  const { sessionExpiry, sessionExpiryCapped } = sessionExpiryOf(ctx, packet, v5);
  return {
    clientId,
    assignedClientId,
    cleanStart: packet.cleanStart,
    sessionExpiry,
    connackProperties: v5
      ? {
          ...connackProperties(ctx, {
            assignedClientId: assignedClientId ? clientId : undefined,
            sessionExpiryCapped,
            sessionExpiry,
          }),
          ...(enhanced !== undefined && !ctx.has('auth-method-not-echoed') && enhanced.properties),
        }
      : undefined,
    ...(enhanced !== undefined && { authenticationMethod: enhanced.properties.authenticationMethod }),
    keepAlive: packet.keepAlive,
    will: packet.will === undefined ? undefined : willDecision(ctx, packet.will, clientId),
    username,
    clientReceiveMaximum: properties.receiveMaximum ?? 65_535,
    clientMaximumPacketSize: properties.maximumPacketSize ?? Number.POSITIVE_INFINITY,
    clientTopicAliasMaximum: properties.topicAliasMaximum ?? 0,
    requestProblemInformation: properties.requestProblemInformation !== 0,
  };
}

function sessionExpiryOf(
  ctx: ConnectContext,
  packet: ConnectPacket,
  v5: boolean,
): { sessionExpiry: number; sessionExpiryCapped: boolean } {
  if (!v5) {
    // 3.1.1: clean session 1 ends with the connection, 0 lasts until a clean session [MQTT-3.1.2-4..6].
    return { sessionExpiry: packet.cleanStart ? 0 : Number.POSITIVE_INFINITY, sessionExpiryCapped: false };
  }
  const requested = packet.properties?.sessionExpiryInterval ?? 0;
  let sessionExpiry = Math.min(requested, ctx.options.maxSessionExpiryInterval);
  const sessionExpiryCapped = sessionExpiry !== requested;
  if (sessionExpiry === 0xffff_ffff) sessionExpiry = Number.POSITIVE_INFINITY; // never expires
  return { sessionExpiry, sessionExpiryCapped };
}

function willDecision(
  ctx: ConnectContext,
  will: NonNullable<ConnectPacket['will']>,
  clientId: string,
): ConnectDecision['will'] {
  const willProperties = will.properties ?? {};
  const expiryInterval = willProperties.messageExpiryInterval;
  // Expiry counts from the moment the will is published; stamped then (see Broker.publishWill).
  return {
    message: {
      topic: will.topic,
      payload: will.payload,
      qos: will.qos,
      // [MQTT-3.1.2-16] [MQTT-3.1.2-17] (3.1.1) / [MQTT-3.1.2-14] [MQTT-3.1.2-15] (5.0)
      retain: will.retain,
      // [MQTT-3.1.3-10] will properties forwarded, user properties in order.
      properties: forwardedProperties(will.properties, ctx.has('drop-user-properties')),
      expiresAt: undefined,
      expiryInterval,
      publisherId: clientId,
    },
    delayMs: (willProperties.willDelayInterval ?? 0) * 1000,
  };
}
/** What the server tells a v5 client about its limits and capabilities in CONNACK. */
function connackProperties(
  ctx: ConnectContext,
  session: { assignedClientId: string | undefined; sessionExpiryCapped: boolean; sessionExpiry: number },
): Properties {
  const { options } = ctx;
  const properties: Properties = {
    receiveMaximum: options.receiveMaximum,
    maximumPacketSize: options.maxPacketSize,
    topicAliasMaximum: options.topicAliasMaximum,
  };
  if (session.assignedClientId !== undefined && !ctx.has('no-assigned-client-id')) {
    properties.assignedClientIdentifier = session.assignedClientId; // [MQTT-3.1.3-7] [MQTT-3.2.2-16]
  }
  if (session.sessionExpiryCapped) properties.sessionExpiryInterval = session.sessionExpiry;
  // [MQTT-3.1.2-21] the client must use the server's keep-alive when one is sent.
  if (options.serverKeepAlive !== undefined) properties.serverKeepAlive = options.serverKeepAlive;
  if (!options.retainAvailable) properties.retainAvailable = 0;
  if (options.maximumQoS < 2) properties.maximumQoS = options.maximumQoS;
  if (!options.wildcardSubscriptionAvailable) properties.wildcardSubscriptionAvailable = 0;
  if (!options.sharedSubscriptionAvailable) properties.sharedSubscriptionAvailable = 0;
  if (!options.subscriptionIdentifiersAvailable) properties.subscriptionIdentifiersAvailable = 0;
  return properties;
}
