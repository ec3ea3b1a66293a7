// The model's routing: subscriptions (and the retained messages a new one gets), the granted QoS
// from SUBACK, and each published message turned into the deliveries every matching session may,
// must or must not get.
import { parseSharedFilter, topicMatches } from '../../wire/index.js';
import type { BrokerModel } from './model.js';
import type { RuleName } from './rules.js';
import { publishPayload, type PublishAction, type QoS, type SubscribeAction } from './session.js';
import type { ConnectionState, SessionState, Subscription } from './sessions.js';
import type { Delivery, Message } from './types.js';
import { USER_PROPERTIES } from './words.js';

export function discard(model: BrokerModel, session: SessionState, rule: RuleName): void {
  for (const delivery of session.deliveries) {
    if (delivery.copies.length < delivery.maxCopies || delivery.unacked !== undefined)
      model.forbid(session.key, { topic: delivery.message.topic, payload: delivery.message.payload, rule });
  }
  model.sessions.delete(session.key);
}

export function subscribeAction(
  model: BrokerModel,
  action: SubscribeAction,
  conn: ConnectionState,
  now: number,
): void {
  const session = model.sessionOf(conn);
  if (session === undefined) return;
  const existed = session.subscriptions.has(action.filter);
  const v5 = model.version === '5.0';
  const subscription: Subscription = {
    filter: action.filter,
    qos: action.qos,
    noLocal: v5 && action.noLocal === true,
    retainAsPublished: v5 && action.retainAsPublished === true,
    subscriptionId: v5 ? action.subscriptionId : undefined,
    shared: parseSharedFilter(action.filter),
  };
  session.subscriptions.set(action.filter, subscription);
  session.unsubscribed.delete(action.filter);
  if (subscription.shared !== undefined) return; // no retained messages on shared subscriptions
  const handling = v5 ? (action.retainHandling ?? 0) : 0;
  for (const [topic, values] of model.retained) {
    if (!topicMatches(action.filter, topic)) continue;
    for (const value of values) {
      if (value === null) continue;
      if (handling === 2 || (handling === 1 && existed)) {
        model.forbid(session.key, { topic, payload: value.payload, rule: 'retain-handling' });
        continue;
      }
      const qos = Math.min(value.qos, action.qos);
      const expired = model.expiredAt(value, now);
      if (expired === 'yes') {
        model.forbid(session.key, { topic, payload: value.payload, rule: 'message-expiry' });
        continue;
      }
      session.deliveries.push({
        message: value,
        kind: 'retained',
        qosAllowed: new Set([qos]),
        qosMax: qos,
        retainAllowed: new Set([true]),
        subscriptionIds: subscription.subscriptionId !== undefined ? [subscription.subscriptionId] : [],
        maxCopies: 1,
        copies: [],
        // Only a certain, unexpired retained value must come; the SUBACK's granted QoS may lower it.
        dueAt:
          values.size === 1 && expired === 'no' && (qos === 0 || !model.flowLimited(conn))
            ? now + model.options.graceMs
            : undefined,
        missingRule: 'retained-on-subscribe',
        dup: 'no',
        ...((values.size !== 1 || expired !== 'no') && { uncertain: true }),
      });
    }
  }
}

/** The granted QoS from a SUBACK (a lower grant is legal; a failure code removes the subscription). */
export function grantedQos(
  model: BrokerModel,
  conn: ConnectionState,
  filters: readonly string[],
  codes: readonly number[],
): void {
  const session = model.sessionOf(conn);
  if (session === undefined) return;
  filters.forEach((filter, i) => {
    const code = codes[i];
    const subscription = session.subscriptions.get(filter);
    if (code === undefined || subscription === undefined) return;
    if (code >= 0x80) {
      session.subscriptions.delete(filter);
      for (const d of session.deliveries)
        if (d.kind === 'retained' && d.copies.length === 0 && topicMatches(filter, d.message.topic))
          d.dueAt = undefined;
      return;
    }
    if (code < subscription.qos) {
      subscription.qos = code as QoS;
      for (const d of session.deliveries) {
        if (d.kind !== 'retained' || d.copies.length > 0 || !topicMatches(filter, d.message.topic)) continue;
        const qos = Math.min(d.message.qos, code);
        d.qosAllowed = new Set([qos]);
        d.qosMax = qos;
      }
    }
  });
}

/**
 * A PUBLISH the target's ACL denies: not routed, not retained; in 3.1.1 a copy is forbidden
 * [MQTT-3.3.5-2] (5.0 has no statement for it: a copy would be judged as matching nothing).
 */
export function deniedPublish(
  model: BrokerModel,
  index: number,
  action: PublishAction,
  conn: ConnectionState,
): void {
  void conn;
  if (model.version !== '3.1.1') return;
  const payload = publishPayload(index, action);
  for (const session of model.sessions.values())
    model.forbid(session.key, { topic: action.topic, payload, rule: 'unauthorized-publish' });
}

export function publishAction(
  model: BrokerModel,
  index: number,
  action: PublishAction,
  conn: ConnectionState,
  now: number,
  packetId?: number,
): void {
  const payload = publishPayload(index, action);
  const v5 = model.version === '5.0';
  const message: Message = {
    payload,
    topic: action.topic,
    qos: action.qos,
    retain: action.retain,
    publisher: conn.sessionKey,
    at: now,
    ...(v5 && action.expiry !== undefined && { expiry: action.expiry }),
    ...(v5 && action.userProperties === true && { userProperties: USER_PROPERTIES }),
    size: publishSize(action.topic, payload.length, action.qos),
    resent: action.qos === 2 && action.resend === true,
    will: false,
  };
  routeMessage(model, message, now);
  // The Packet Identifier of a refused QoS 2 PUBLISH, used again: a new message all the same.
  if (action.qos === 2 && packetId !== undefined && conn.refusedIds.delete(packetId))
    for (const session of model.sessions.values())
      for (const d of session.deliveries) if (d.message === message) d.missingRule = 'refused-packet-id';
}

/** Routes a message to every session with a matching subscription, and to the retained store. */
export function routeMessage(model: BrokerModel, message: Message, now: number): void {
  const v5 = model.version === '5.0';
  const groups = new Map<string, { copy: Delivery['group'] & object; members: string[] }>();
  for (const session of model.sessions.values()) {
    const matching: Subscription[] = [];
    let noLocal = false;
    let dollar = false;
    for (const subscription of session.subscriptions.values()) {
      if (!topicMatches(subscription.filter, message.topic)) {
        if (topicMatches(subscription.filter, message.topic, { dollarRule: false })) dollar = true;
        continue;
      }
      if (subscription.shared !== undefined) {
        const key = `${subscription.shared.group}\u0000${subscription.shared.filter}`;
        const group = groups.get(key) ?? { copy: { key, copies: 0, memberLost: false }, members: [] };
        group.members.push(session.key);
        groups.set(key, group);
        continue;
      }
      if (subscription.noLocal && message.publisher === session.key) {
        noLocal = true;
        continue;
      }
      matching.push(subscription);
    }
    if (matching.length === 0) {
      const rule: RuleName | undefined = noLocal
        ? 'no-local'
        : dollar
          ? 'dollar-topics'
          : [...session.unsubscribed].some((f) => topicMatches(f, message.topic))
            ? 'unsubscribed'
            : undefined;
      if (rule !== undefined)
        model.forbid(session.key, { topic: message.topic, payload: message.payload, rule });
      continue;
    }
    addDelivery(model, session, message, matching, now, undefined);
  }
  for (const { copy, members } of groups.values()) {
    for (const key of members) {
      const session = model.sessions.get(key);
      if (session === undefined) continue;
      const subscription = [...session.subscriptions.values()].find(
        (s) => s.shared !== undefined && `${s.shared.group}\u0000${s.shared.filter}` === copy.key,
      );
      if (subscription !== undefined) addDelivery(model, session, message, [subscription], now, copy);
    }
  }
  if (message.retain) {
    if (message.payload === '' && !message.will) model.retained.set(message.topic, new Set([null]));
    else if (message.will) {
      const values = model.retained.get(message.topic) ?? new Set([null]);
      values.add(message);
      model.retained.set(message.topic, values);
    } else model.retained.set(message.topic, new Set([message]));
  }
  void v5;
}

export function addDelivery(
  model: BrokerModel,
  session: SessionState,
  message: Message,
  matching: readonly Subscription[],
  now: number,
  group: Delivery['group'],
): void {
  const v5 = model.version === '5.0';
  const qosAllowed = new Set(matching.map((s) => Math.min(s.qos, message.qos)));
  const qosMax = Math.max(...qosAllowed);
  const retainAllowed = new Set(matching.map((s) => v5 && s.retainAsPublished && message.retain));
  const conn = session.attached !== undefined ? model.connections[session.attached] : undefined;
  const online =
    conn !== undefined && conn.open && conn.attached && conn.closeDue === undefined && !conn.mayClose;
  const tooBig =
    conn?.maximumPacketSize !== undefined &&
    message.size + (message.userProperties ? 40 : 0) > conn.maximumPacketSize - 16;
  const anyTooBig = conn?.maximumPacketSize !== undefined && message.size > conn.maximumPacketSize;
  if (anyTooBig) {
    model.forbid(session.key, {
      topic: message.topic,
      payload: message.payload,
      rule: 'maximum-packet-size',
    });
    return;
  }
  let dueAt: number | undefined;
  if (group === undefined && !tooBig && message.expiry === undefined) {
    if (online && (qosMax === 0 || !model.flowLimited(conn))) dueAt = now + model.options.graceMs;
  }
  if (message.will && message.qos === 0 && !online) dueAt = undefined;
  session.deliveries.push({
    message,
    kind: message.will ? 'will' : 'live',
    qosAllowed,
    qosMax,
    retainAllowed,
    subscriptionIds: matching.flatMap((s) => (s.subscriptionId !== undefined ? [s.subscriptionId] : [])),
    copyWithoutIds: matching.some((s) => s.subscriptionId === undefined),
    maxCopies: matching.length,
    copies: [],
    dueAt,
    missingRule: message.will ? 'will-published' : 'deliver-to-subscribers',
    ...(group !== undefined && { group }),
    dup: 'no',
  });
}

/** Size of a PUBLISH without properties: fixed header (≤ 5), topic, packet id, payload. */
export function publishSize(topic: string, payloadBytes: number, qos: number): number {
  return 5 + 2 + Buffer.byteLength(topic) + 8 + (qos > 0 ? 2 : 0) + payloadBytes;
}
