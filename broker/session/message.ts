// An application message as the broker keeps it between receiving and forwarding.
import type { Properties, QoS } from '../../wire/types.js';

export interface Message {
  topic: string;
  payload: Buffer;
  qos: QoS;
  retain: boolean;
  /**
   * Properties forwarded unaltered to subscribers (payload format, content type, response topic,
   * correlation data, user properties in order). Never Topic Alias, Subscription Identifier or
   * Message Expiry Interval: those are computed per delivery.
   */
  properties: Properties | undefined;
  /** Epoch ms after which the message must not be forwarded (v5 Message Expiry Interval). */
  expiresAt: number | undefined;
  /** The Message Expiry Interval as received (seconds), kept for the 'ignore-message-expiry' mutation. */
  expiryInterval: number | undefined;
  /** Client id of the publisher; undefined for messages published by the broker itself. */
  publisherId: string | undefined;
}

/** Properties of an inbound PUBLISH (or will) that travel with the message. */
export function forwardedProperties(
  properties: Properties | undefined,
  dropUserProperties: boolean,
): Properties | undefined {
  if (properties === undefined) return undefined;
  const out: Properties = {};
  if (properties.payloadFormatIndicator !== undefined)
    out.payloadFormatIndicator = properties.payloadFormatIndicator;
  if (properties.contentType !== undefined) out.contentType = properties.contentType;
  if (properties.responseTopic !== undefined) out.responseTopic = properties.responseTopic;
  if (properties.correlationData !== undefined) out.correlationData = properties.correlationData;
  // [MQTT-3.3.2-17] [MQTT-3.3.2-18] user properties forwarded unaltered and in order.
  if (properties.userProperties !== undefined && !dropUserProperties)
    out.userProperties = [...properties.userProperties];
  return Object.keys(out).length === 0 ? undefined : out;
}

/** Milliseconds left before expiry; undefined when the message never expires. */
export function remainingMs(message: Message, now: number): number | undefined {
  return message.expiresAt === undefined ? undefined : message.expiresAt - now;
}
