// Encoding of outbound PUBLISH packets for one connection: per-delivery properties (remaining
// message expiry, subscription identifiers), outbound topic aliases, and the client's maximum
// packet size.
import { encode } from '../wire/index.js';
import type { Properties, ProtocolLevel, PublishPacket } from '../wire/types.js';
import type { MutationName } from './mutations.js';
import type { Message } from './session/message.js';
import type { OutboundPublish } from './session/session.js';

/**
 * Encoded copies of the message being fanned out, shared by every connection: the broker hands one
 * message to all its subscribers in a row, so a one-message cache holds each (version, qos, retain,
 * dup) variant while that happens. v5 deliveries that carry per-delivery properties (remaining
 * expiry, subscription identifiers) share by those values too; only topic aliases, which are
 * connection state, force an encoding of its own.
 */
const shared = {
  message: undefined as Message | undefined,
  variants: new Array<Buffer | undefined>(48),
  /** Slots of `variants` filled for the current message (usually one). */
  filled: [] as number[],
  /** Variants with per-delivery properties, by variant key, expiry and subscription identifiers. */
  withProperties: new Map<string | number, Buffer>(),
};

function variantKey(version: ProtocolLevel, publish: OutboundPublish): number {
  return (version - 3) * 16 + publish.qos * 4 + (publish.retain ? 2 : 0) + (publish.dup ? 1 : 0);
}

/** The PUBLISH fields every delivery of the message shares. */
function basePacket(publish: OutboundPublish): PublishPacket {
  const { message } = publish;
  return {
    type: 'publish',
    topic: message.topic,
    payload: message.payload,
    qos: publish.qos,
    retain: publish.retain,
    // [MQTT-3.3.1-3] the inbound DUP is not propagated; set only on our own redelivery.
    dup: publish.dup,
  };
}

/** Offset of the packet identifier in an encoded QoS 1/2 PUBLISH (after fixed header and topic). */
function packetIdOffset(bytes: Buffer): number {
  let offset = 1;
  while (((bytes[offset] ?? 0) & 0x80) !== 0) offset++;
  offset++;
  return offset + 2 + bytes.readUInt16BE(offset);
}

export interface ClientLimits {
  /** Topic Alias Maximum sent by the client in CONNECT (0: no aliases). */
  topicAliasMaximum: number;
  /** Maximum Packet Size sent by the client in CONNECT (Infinity when absent). */
  maximumPacketSize: number;
}

export class PublishEncoder {
  /** Topic name → alias; scoped to the connection [MQTT-3.3.2-10]; created on first use. */
  private aliases: Map<string, number> | undefined;

  constructor(
    private readonly version: ProtocolLevel,
    private readonly limits: ClientLimits,
    private readonly mutations: ReadonlySet<MutationName>,
  ) {}

  private has(mutation: MutationName): boolean {
    return this.mutations.has(mutation);
  }

  /** The encoded PUBLISH, or undefined when it is too large for the client and must be dropped. */
  encode(publish: OutboundPublish, now: number): Buffer | undefined {
    // Topic aliases are connection state: with them every delivery is encoded for its connection.
    const bytes =
      this.limits.topicAliasMaximum > 0 && this.version === 5
        ? this.encodeOwn(publish, now)
        : this.encodeShared(publish, this.expiryLeft(publish, now));
    if (bytes === undefined) return undefined;
    if (bytes.length > this.limits.maximumPacketSize && !this.has('ignore-maximum-packet-size')) {
      // [MQTT-3.1.2-24] [MQTT-3.1.2-25] too large for this client: dropped for it alone.
      return undefined;
    }
    return bytes;
  }

  /** v5: the Message Expiry Interval this delivery carries, when the message expires. */
  private expiryLeft(publish: OutboundPublish, now: number): number | undefined {
    const { message } = publish;
    if (this.version !== 5 || message.expiresAt === undefined) return undefined;
    // [MQTT-3.3.2-6] the interval left, not the one received.
    return this.has('ignore-message-expiry')
      ? (message.expiryInterval ?? 0)
      : Math.max(1, Math.ceil((message.expiresAt - now) / 1000));
  }

  /** v5: the subscription identifiers this delivery carries. */
  private subscriptionIds(publish: OutboundPublish): readonly number[] {
    return this.version === 5 && !this.has('no-subscription-identifiers') ? publish.subscriptionIds : [];
  }

  /** v5: the message's properties plus this delivery's expiry and subscription identifiers. */
  private properties(publish: OutboundPublish, expiry: number | undefined): Properties {
    const properties: Properties = { ...publish.message.properties };
    if (expiry !== undefined) properties.messageExpiryInterval = expiry;
    const ids = this.subscriptionIds(publish);
    // [MQTT-3.3.4-3] [MQTT-3.3.4-4] every matching subscription identifier in the one copy.
    if (ids.length > 0) properties.subscriptionIdentifier = ids.length === 1 ? (ids[0] ?? 0) : [...ids];
    return properties;
  }

  /**
   * Bytes shared by every delivery with the same variant, expiry and subscription identifiers: a slot
   * of `variants` when there are none (the usual case), a number key for one identifier, else a string.
   */
  private encodeShared(publish: OutboundPublish, expiry: number | undefined): Buffer {
    const { message } = publish;
    if (shared.message !== message) {
      shared.message = message;
      for (const slot of shared.filled) shared.variants[slot] = undefined;
      shared.filled.length = 0;
      shared.withProperties.clear();
    }
    const variant = variantKey(this.version, publish);
    const ids = this.subscriptionIds(publish);
    const key =
      expiry === undefined && ids.length === 0
        ? undefined
        : expiry === undefined && ids.length === 1
          ? variant * 0x10000000 + (ids[0] ?? 0) // identifiers are < 2^28
          : `${variant}|${expiry ?? ''}|${ids.join(',')}`;
    let template = key === undefined ? shared.variants[variant] : shared.withProperties.get(key);
    if (template === undefined) {
      const packet = basePacket(publish);
      if (publish.qos > 0) packet.packetId = 1; // patched per delivery below
      if (this.version === 5) {
        const properties = this.properties(publish, expiry);
        if (Object.keys(properties).length > 0) packet.properties = properties;
      }
      template = encode(packet, this.version);
      if (key !== undefined) shared.withProperties.set(key, template);
      else {
        shared.variants[variant] = template;
        shared.filled.push(variant);
      }
    }
    if (publish.packetId === undefined || publish.qos === 0) return template;
    // QoS 1/2: same bytes but the packet identifier [MQTT-2.3.1-2].
    const copy = Buffer.allocUnsafe(template.length);
    template.copy(copy);
    copy.writeUInt16BE(publish.packetId, packetIdOffset(template));
    return copy;
  }

  private encodeOwn(publish: OutboundPublish, now: number): Buffer | undefined {
    const packet = basePacket(publish);
    if (publish.packetId !== undefined) packet.packetId = publish.packetId;
    const properties = this.properties(publish, this.expiryLeft(publish, now));
    const newAlias = this.applyAlias(packet, properties);
    if (Object.keys(properties).length > 0) packet.properties = properties;
    const bytes = encode(packet, this.version);
    if (bytes.length > this.limits.maximumPacketSize && !this.has('ignore-maximum-packet-size')) {
      // Dropped by encode(): the alias mapped for it is not kept.
      if (newAlias !== undefined) this.aliases?.delete(newAlias);
      return undefined;
    }
    return bytes;
  }

  /** [MQTT-3.1.2-26] [MQTT-3.1.2-27] aliases only up to the client's maximum; returns a newly mapped topic. */
  private applyAlias(packet: PublishPacket, properties: Properties): string | undefined {
    if (this.limits.topicAliasMaximum <= 0) return undefined;
    const topic = packet.topic;
    const aliases = (this.aliases ??= new Map<string, number>());
    const alias = aliases.get(topic);
    if (alias !== undefined) {
      properties.topicAlias = alias;
      packet.topic = '';
      return undefined;
    }
    if (aliases.size >= this.limits.topicAliasMaximum) return undefined;
    properties.topicAlias = aliases.size + 1;
    aliases.set(topic, properties.topicAlias);
    return topic;
  }
}
