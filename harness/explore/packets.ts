// The packets a generated action sends, built from the action and the run's naming (topic prefix
// and client ids): CONNECT, SUBSCRIBE, PUBLISH (with Topic Alias and 5.0 properties) and the raw
// bytes of the protocol violations. Pure functions; the executor sends them.
import { encode, type Packet, type Properties, type PublishPacket } from '../../wire/index.js';
import {
  publishPayload,
  USER_PROPERTIES,
  willPayload,
  type ClientName,
  type ConnectAction,
  type PublishAction,
  type SubscribeAction,
  type ViolateAction,
} from '../model/index.js';
import type { MqttVersion } from '../vocabulary.js';
import { rawViolation } from './violation-steps.js';

/** How the run names things: the per-run prefix for '~' and the client ids. */
export interface Naming {
  runId: string;
  version: MqttVersion;
  /** User name and password of every CONNECT (a target with users). */
  credentials?: { username: string; password: string } | undefined;
}

export function clientIdOf(runId: string, client: ClientName): string {
  return `${runId}${client}`;
}

/** A model topic ('~/t/a') as sent on the wire. */
export function realTopic(naming: Naming, topic: string): string {
  return topic.replace('~', naming.runId);
}

/** A wire topic in model form, or undefined for another run's traffic. */
export function modelTopic(naming: Naming, topic: string): string | undefined {
  const prefix = naming.runId;
  if (topic.startsWith(`$${prefix}/`)) return `$~${topic.slice(prefix.length + 1)}`;
  if (topic.startsWith(`${prefix}/`)) return `~${topic.slice(prefix.length)}`;
  return undefined;
}

export function connectPacket(naming: Naming, action: ConnectAction, index: number): Packet {
  const v5 = naming.version === '5.0';
  const clientId = action.emptyId === true ? '' : clientIdOf(naming.runId, action.as ?? action.client);
  const properties = {
    ...(action.sessionExpiry !== undefined && { sessionExpiryInterval: action.sessionExpiry }),
    ...(action.receiveMaximum !== undefined && { receiveMaximum: action.receiveMaximum }),
    ...(action.maximumPacketSize !== undefined && { maximumPacketSize: action.maximumPacketSize }),
  };
  const will = action.will;
  return {
    type: 'connect',
    protocolName: 'MQTT',
    protocolLevel: v5 ? 5 : 4,
    cleanStart: action.clean,
    keepAlive: action.keepAlive ?? 0,
    clientId,
    ...(will !== undefined && {
      will: {
        topic: realTopic(naming, will.topic),
        payload: Buffer.from(willPayload(action.client, index)),
        qos: will.qos,
        retain: will.retain,
        ...(v5 && will.delay !== undefined && { properties: { willDelayInterval: will.delay } }),
      },
    }),
    ...(v5 && Object.keys(properties).length > 0 && { properties }),
    ...(naming.credentials !== undefined && {
      username: naming.credentials.username,
      password: Buffer.from(naming.credentials.password),
    }),
  };
}

export function subscribePacket(naming: Naming, action: SubscribeAction, packetId: number): Packet {
  const v5 = naming.version === '5.0';
  return {
    type: 'subscribe',
    packetId,
    subscriptions: [
      {
        topicFilter: realTopic(naming, action.filter),
        qos: action.qos,
        ...(v5 && {
          noLocal: action.noLocal === true,
          retainAsPublished: action.retainAsPublished === true,
          retainHandling: action.retainHandling ?? 0,
        }),
      },
    ],
    ...(v5 &&
      action.subscriptionId !== undefined && {
        properties: { subscriptionIdentifier: action.subscriptionId },
      }),
  };
}

export function publishPacket(
  naming: Naming,
  action: PublishAction,
  index: number,
  packetId: number | undefined,
  alias: { alias: number; empty: boolean } | undefined,
): PublishPacket {
  const v5 = naming.version === '5.0';
  const properties: Properties = {
    ...(v5 && action.expiry !== undefined && { messageExpiryInterval: action.expiry }),
    ...(v5 &&
      action.userProperties === true && {
        userProperties: USER_PROPERTIES.map(([k, v]) => [k, v] as [string, string]),
      }),
    ...(alias !== undefined && { topicAlias: alias.alias }),
  };
  return {
    type: 'publish',
    topic: alias?.empty === true ? '' : realTopic(naming, action.topic),
    payload: Buffer.from(publishPayload(index, action)),
    qos: action.qos,
    retain: action.retain,
    dup: false,
    ...(packetId !== undefined && { packetId }),
    ...(Object.keys(properties).length > 0 && { properties }),
  };
}

/** The bytes of a violation (the fresh ones include their broken CONNECT). */
export function violationBytes(naming: Naming, action: ViolateAction, index: number): Buffer {
  const level = naming.version === '5.0' ? 5 : 4;
  const connect = connectPacket(naming, { do: 'connect', client: action.client, clean: true }, index);
  switch (action.kind) {
    case 'second-connect':
      return encode(connect, level);
    case 'qos3': {
      const packet: PublishPacket = {
        type: 'publish',
        topic: realTopic(naming, '~/t/a'),
        payload: Buffer.from('q3'),
        qos: 1,
        retain: false,
        dup: false,
        packetId: 1,
      };
      return encode(packet, level, { flags: 0x06 });
    }
    case 'wildcard-topic':
    case 'ill-formed-utf8':
      return rawViolation(action.kind, level);
    case 'reserved-flag':
      return encode(connect, level, { connectFlags: 0x03 });
    case 'protocol-level':
      return encode({ ...connect, protocolLevel: 9 } as Packet, level);
    case 'first-not-connect':
      return encode({ type: 'pingreq' }, level);
  }
}
