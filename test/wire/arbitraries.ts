// fast-check generators of valid packets, per protocol version and direction, in the canonical form the
// decoder returns (absent instead of empty properties, v5 subscription options spelled out).
import fc from 'fast-check';
import type { Arbitrary } from 'fast-check';
import { PROPERTY_TABLE } from '../../wire/index.js';
import type {
  AuthPacket,
  DisconnectPacket,
  Packet,
  Properties,
  PropertyPlace,
  ProtocolLevel,
  QoS,
} from '../../wire/index.js';

export const mqttString = (maxLength = 12): Arbitrary<string> =>
  fc.string({ unit: 'binary', maxLength }).filter((s) => !s.includes('\u0000'));
export const topicName = (): Arbitrary<string> =>
  fc
    .array(fc.oneof(fc.constantFrom('a', 'b', 'sport', '$SYS', 'é', '\uFEFF', ''), mqttString(6)), {
      minLength: 1,
      maxLength: 4,
    })
    .map((levels) => levels.join('/'))
    .filter((t) => t.length > 0 && !t.includes('+') && !t.includes('#'));
export const topicFilter = (): Arbitrary<string> =>
  fc
    .array(fc.constantFrom('a', 'b', '+', 'sport', 'é', ''), { minLength: 1, maxLength: 4 })
    .chain((levels) => fc.boolean().map((hash) => (hash ? [...levels, '#'] : levels).join('/')))
    .filter((f) => f.length > 0);
const buffer = (maxLength = 16): Arbitrary<Buffer> => fc.uint8Array({ maxLength }).map((a) => Buffer.from(a));
const qos = (): Arbitrary<QoS> => fc.constantFrom<QoS>(0, 1, 2);
const packetId = (): Arbitrary<number> => fc.integer({ min: 1, max: 65_535 });
const bit = (): Arbitrary<number> => fc.constantFrom(0, 1);

const BOOLEAN_BYTES = new Set([
  'payloadFormatIndicator',
  'requestProblemInformation',
  'requestResponseInformation',
  'maximumQoS',
  'retainAvailable',
  'wildcardSubscriptionAvailable',
  'subscriptionIdentifiersAvailable',
  'sharedSubscriptionAvailable',
]);

function valueArb(name: string, type: string, place: PropertyPlace, fromServer: boolean): Arbitrary<unknown> {
  if (BOOLEAN_BYTES.has(name)) return bit();
  switch (name) {
    case 'receiveMaximum':
    case 'topicAlias':
      return fc.integer({ min: 1, max: 65_535 });
    case 'maximumPacketSize':
      return fc.integer({ min: 1, max: 0xffffffff });
    case 'subscriptionIdentifier':
      return place === 'publish' && fromServer
        ? fc.oneof(
            fc.integer({ min: 1, max: 268_435_455 }),
            fc.array(fc.integer({ min: 1, max: 268_435_455 }), { minLength: 2, maxLength: 3 }),
          )
        : fc.integer({ min: 1, max: 268_435_455 });
    case 'userProperties':
      return fc.array(fc.tuple(mqttString(), mqttString()), { minLength: 1, maxLength: 3 });
  }
  switch (type) {
    case 'byte':
      return fc.integer({ min: 0, max: 255 });
    case 'uint16':
      return fc.integer({ min: 0, max: 65_535 });
    case 'uint32':
      return fc.integer({ min: 0, max: 0xffffffff });
    case 'utf8':
      return mqttString();
    case 'binary':
      return buffer();
    default:
      throw new Error(`no arbitrary for ${name}`);
  }
}

/** Valid v5 properties for a place, or undefined (never an empty object). */
export function propertiesArb(place: PropertyPlace, fromServer: boolean): Arbitrary<Properties | undefined> {
  const model: Record<string, Arbitrary<unknown>> = {};
  for (const p of PROPERTY_TABLE) {
    const allowed = place === 'will' ? p.inWill : p.packets.includes(place);
    if (!allowed) continue;
    if (p.name === 'subscriptionIdentifier' && place === 'publish' && !fromServer) continue; // [MQTT-3.3.4-6]
    if (p.name === 'sessionExpiryInterval' && place === 'disconnect' && fromServer) continue; // [MQTT-3.14.2-2]
    model[p.name] = valueArb(p.name, p.type, place, fromServer);
  }
  return fc.record(model, { requiredKeys: [] }).map((props) => {
    const out = props as Properties;
    if (out.authenticationData !== undefined && out.authenticationMethod === undefined) {
      delete out.authenticationData;
    }
    return Object.keys(out).length === 0 ? undefined : out;
  });
}

function withProps<T extends object>(packet: T, props: Properties | undefined): T {
  return props === undefined ? packet : { ...packet, properties: props };
}

function opt<T>(arb: Arbitrary<T>): Arbitrary<T | undefined> {
  return fc.option(arb, { nil: undefined });
}

export function connectArb(version: ProtocolLevel): Arbitrary<Packet> {
  const v5 = version === 5;
  const none = fc.constant(undefined);
  const will = fc.record({
    topic: topicName(),
    payload: buffer(),
    qos: qos(),
    retain: fc.boolean(),
    props: v5 ? propertiesArb('will', false) : none,
  });
  return fc
    .record({
      cleanStart: fc.boolean(),
      keepAlive: fc.integer({ min: 0, max: 65_535 }),
      clientId: mqttString(23),
      will: opt(will),
      username: opt(mqttString()),
      password: opt(buffer()),
      props: v5 ? propertiesArb('connect', false) : none,
    })
    .map((r) => {
      const packet: Packet = {
        type: 'connect',
        protocolName: version === 3 ? 'MQIsdp' : 'MQTT',
        protocolLevel: version,
        cleanStart: r.cleanStart,
        keepAlive: r.keepAlive,
        clientId: r.clientId,
      };
      if (r.props !== undefined) packet.properties = r.props;
      if (r.will !== undefined) {
        const { props, ...w } = r.will;
        packet.will = props === undefined ? w : { ...w, properties: props };
      }
      // 3.1 and 3.1.1: no password without a user name [MQTT-3.1.2-22].
      const username = r.username ?? (!v5 && r.password !== undefined ? 'user' : undefined);
      if (username !== undefined) packet.username = username;
      if (r.password !== undefined) packet.password = r.password;
      return packet;
    });
}

function publishArb(version: ProtocolLevel, fromServer: boolean): Arbitrary<Packet> {
  return fc
    .record({
      topic: topicName(),
      payload: buffer(64),
      qos: qos(),
      retain: fc.boolean(),
      dup: fc.boolean(),
      packetId: packetId(),
      props: version === 5 ? propertiesArb('publish', fromServer) : fc.constant(undefined),
    })
    .map((r) => {
      const packet: Packet = {
        type: 'publish',
        topic: r.topic,
        payload: r.payload,
        qos: r.qos,
        retain: r.retain,
        dup: r.qos > 0 && r.dup,
      };
      if (r.qos > 0) packet.packetId = r.packetId;
      return withProps(packet, r.props);
    });
}

function ackArb(version: ProtocolLevel, type: 'puback' | 'pubrec' | 'pubrel' | 'pubcomp'): Arbitrary<Packet> {
  const codes =
    type === 'pubrel' || type === 'pubcomp'
      ? [0x00, 0x92]
      : [0x00, 0x10, 0x80, 0x83, 0x87, 0x90, 0x91, 0x97, 0x99];
  if (version !== 5) return packetId().map((id) => ({ type, packetId: id }));
  return fc
    .record({ id: packetId(), code: opt(fc.constantFrom(...codes)), props: propertiesArb(type, false) })
    .map((r) => {
      const packet: Packet = { type, packetId: r.id };
      if (r.code !== undefined || r.props !== undefined) packet.reasonCode = r.code ?? 0;
      return withProps(packet, r.props);
    });
}

function subscribeArb(version: ProtocolLevel): Arbitrary<Packet> {
  const sub =
    version === 5
      ? fc.record({
          topicFilter: topicFilter(),
          qos: qos(),
          noLocal: fc.boolean(),
          retainAsPublished: fc.boolean(),
          retainHandling: fc.constantFrom<0 | 1 | 2>(0, 1, 2),
        })
      : fc.record({ topicFilter: topicFilter(), qos: qos() });
  return fc
    .record({
      id: packetId(),
      subs: fc.array(sub, { minLength: 1, maxLength: 4 }),
      props: version === 5 ? propertiesArb('subscribe', false) : fc.constant(undefined),
    })
    .map((r) => withProps({ type: 'subscribe' as const, packetId: r.id, subscriptions: r.subs }, r.props));
}

function unsubscribeArb(version: ProtocolLevel): Arbitrary<Packet> {
  return fc
    .record({
      id: packetId(),
      filters: fc.array(topicFilter(), { minLength: 1, maxLength: 4 }),
      props: version === 5 ? propertiesArb('unsubscribe', false) : fc.constant(undefined),
    })
    .map((r) =>
      withProps({ type: 'unsubscribe' as const, packetId: r.id, topicFilters: r.filters }, r.props),
    );
}

function tailArb(version: ProtocolLevel, type: 'disconnect' | 'auth', codes: number[], fromServer: boolean) {
  if (version !== 5) return fc.constant<Packet>({ type: 'disconnect' });
  return fc
    .record({ code: opt(fc.constantFrom(...codes)), props: propertiesArb(type, fromServer) })
    .map((r) => {
      const packet: DisconnectPacket | AuthPacket = type === 'auth' ? { type } : { type };
      if (r.code !== undefined || r.props !== undefined) packet.reasonCode = r.code ?? 0;
      return withProps(packet, r.props);
    });
}

/** Packets a client sends (decoded by a server-role decoder after the CONNECT). */
export function clientPacketArb(version: ProtocolLevel): Arbitrary<Packet> {
  const arbs: Arbitrary<Packet>[] = [
    publishArb(version, false),
    ackArb(version, 'puback'),
    ackArb(version, 'pubrec'),
    ackArb(version, 'pubrel'),
    ackArb(version, 'pubcomp'),
    subscribeArb(version),
    unsubscribeArb(version),
    fc.constant<Packet>({ type: 'pingreq' }),
    tailArb(
      version,
      'disconnect',
      [0x00, 0x04, 0x80, 0x81, 0x82, 0x83, 0x87, 0x90, 0x93, 0x94, 0x95, 0x96, 0x97, 0x98, 0x99],
      false,
    ),
  ];
  if (version === 5) arbs.push(tailArb(version, 'auth', [0x00, 0x18, 0x19], false));
  return fc.oneof(...arbs);
}

/** Packets a server sends after CONNACK (decoded by a client-role decoder). */
export function serverPacketArb(version: ProtocolLevel): Arbitrary<Packet> {
  const v5 = version === 5;
  const arbs: Arbitrary<Packet>[] = [
    publishArb(version, true),
    ackArb(version, 'puback'),
    ackArb(version, 'pubrec'),
    ackArb(version, 'pubrel'),
    ackArb(version, 'pubcomp'),
    fc
      .record({
        id: packetId(),
        codes: fc.array(
          fc.constantFrom(...(v5 ? [0, 1, 2, 0x80, 0x87, 0x8f, 0x9e, 0xa1, 0xa2] : [0, 1, 2, 0x80])),
          {
            minLength: 1,
            maxLength: 4,
          },
        ),
        props: v5 ? propertiesArb('suback', true) : fc.constant(undefined),
      })
      .map((r) => withProps({ type: 'suback' as const, packetId: r.id, reasonCodes: r.codes }, r.props)),
    v5
      ? fc
          .record({
            id: packetId(),
            codes: fc.array(fc.constantFrom(0, 0x11, 0x80, 0x83, 0x87, 0x8f, 0x91), {
              minLength: 1,
              maxLength: 4,
            }),
            props: propertiesArb('unsuback', true),
          })
          .map((r) => withProps({ type: 'unsuback' as const, packetId: r.id, reasonCodes: r.codes }, r.props))
      : packetId().map((id): Packet => ({ type: 'unsuback', packetId: id })),
    fc.constant<Packet>({ type: 'pingresp' }),
  ];
  if (v5) {
    arbs.push(tailArb(version, 'disconnect', [0x00, 0x04, 0x80, 0x8b, 0x8d, 0x8e, 0x9c, 0x9d], true));
    arbs.push(tailArb(version, 'auth', [0x00, 0x18, 0x19], true));
  }
  return fc.oneof(...arbs);
}

export function connackArb(version: ProtocolLevel): Arbitrary<Packet> {
  return fc
    .record({
      sessionPresent: fc.boolean(),
      code: fc.constantFrom(
        ...(version === 5 ? [0x00, 0x80, 0x84, 0x85, 0x86, 0x87, 0x9f] : [0, 1, 2, 3, 4, 5]),
      ),
      props: version === 5 ? propertiesArb('connack', true) : fc.constant(undefined),
    })
    .map((r) =>
      withProps(
        { type: 'connack' as const, sessionPresent: r.code === 0 && r.sessionPresent, reasonCode: r.code },
        r.props,
      ),
    );
}

export const VERSIONS: ProtocolLevel[] = [3, 4, 5];

export function connectFor(version: ProtocolLevel): Packet {
  return {
    type: 'connect',
    protocolName: version === 3 ? 'MQIsdp' : 'MQTT',
    protocolLevel: version,
    cleanStart: true,
    keepAlive: 30,
    clientId: 'c1',
  };
}
