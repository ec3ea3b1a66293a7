// Judging one PUBLISH the server sent to a client: which delivery of the model it is, and whether
// its QoS, flags, packet id and properties are among those the rules allow.
import type { PublishPacket } from '../../wire/index.js';
import type { BrokerModel } from './model.js';
import { describe, USER_PROPERTIES } from './words.js';
import type { ConnectionState } from './sessions.js';
import type { ClientName } from './session.js';
import type { CheckHint, Delivery, Disagreement } from './types.js';

type CountHint = Extract<CheckHint, { kind: 'count' }>;

/** `packet.topic` is already in model form ('~/t/a'). */
export function observePublish(
  model: BrokerModel,
  conn: ConnectionState,
  packet: PublishPacket,
  rawSize: number,
  now: number,
): Disagreement | undefined {
  const payload = packet.payload.toString('utf8');
  const count: CountHint = {
    kind: 'count',
    client: conn.name,
    topic: packet.topic,
    payload,
    count: 0,
    duration: 1000,
  };
  const limit = limitBreach(model, conn, packet, rawSize, count);
  if (limit !== undefined) return limit;
  const session = model.sessionOf(conn);
  const deliveries = session?.deliveries ?? [];
  const same = deliveries.filter((d) => d.message.topic === packet.topic && d.message.payload === payload);
  const open = same.filter((d) => d.copies.length < d.maxCopies);
  // Prefer the delivery whose RETAIN and DUP flags fit: a retained message may also be due as a
  // live one, and a re-delivery (DUP 1) of it as a new retained copy for a new subscription (DUP 0);
  // then the one whose Subscription Identifiers fit (a retained copy for each SUBSCRIBE of a filter).
  const retainFits = open.filter((d) => d.retainAllowed.has(packet.retain));
  const dupFits = retainFits.filter((d) => checkDup(d, packet) === undefined);
  const delivery =
    dupFits.find((d) => propertyBreach(model, conn, d, packet) === undefined) ??
    dupFits[0] ??
    retainFits[0] ??
    open[0];
  if (delivery === undefined) return unmatched(model, conn, packet, same, now, count);
  const breach =
    deliveryBreach(model, conn, delivery, packet, now, count) ??
    propertyBreach(model, conn, delivery, packet);
  if (breach !== undefined) return breach;
  record(conn, delivery, packet, now);
  return undefined;
}

/** Limits of the receiving connection: no Topic Alias it did not allow, its packet size, its Receive Maximum. */
function limitBreach(
  model: BrokerModel,
  conn: ConnectionState,
  packet: PublishPacket,
  rawSize: number,
  count: CountHint,
): Disagreement | undefined {
  const client = conn.name;
  const v5 = model.version === '5.0';
  if (v5 && packet.properties?.topicAlias !== undefined)
    return model.disagree(
      'no-server-topic-alias',
      client,
      `a PUBLISH to '${client}' carries Topic Alias ${packet.properties.topicAlias}`,
      count,
    );
  if (conn.maximumPacketSize !== undefined && rawSize > conn.maximumPacketSize)
    return model.disagree(
      'maximum-packet-size',
      client,
      `a PUBLISH of ${rawSize} bytes was sent to '${client}', whose Maximum Packet Size is ${conn.maximumPacketSize}`,
      count,
    );
  if (
    packet.qos > 0 &&
    conn.inflight.size >= conn.receiveMaximum &&
    !conn.inflight.has(packet.packetId ?? -1)
  )
    return model.disagree(
      'receive-maximum',
      client,
      `'${client}' has ${conn.inflight.size} unacknowledged QoS 1/2 PUBLISH packets (Receive Maximum ${conn.receiveMaximum}) and got another`,
      {
        kind: 'in-flight',
        client,
        count: conn.receiveMaximum,
        duration: 1000,
      },
    );
  return undefined;
}

/** A PUBLISH that is none of the deliveries the model still allows: forbidden, a copy too many, or unmatched. */
function unmatched(
  model: BrokerModel,
  conn: ConnectionState,
  packet: PublishPacket,
  same: readonly Delivery[],
  now: number,
  count: CountHint,
): Disagreement {
  const client = conn.name;
  const payload = packet.payload.toString('utf8');
  const session = model.sessionOf(conn);
  const forbidden = (model.forbidden.get(session?.key ?? conn.sessionKey) ?? []).find(
    (f) => f.topic === packet.topic && f.payload === payload && (f.until === undefined || now < f.until),
  );
  if (forbidden !== undefined)
    return model.disagree(
      forbidden.rule,
      client,
      `'${client}' got '${payload}' on ${packet.topic}, which ${RULE_TEXT[forbidden.rule] ?? 'the model forbids'}`,
      {
        ...count,
        count: 0,
      },
    );
  const seen = same[0];
  if (seen !== undefined) {
    const copies = seen.copies.length;
    const rule = seen.message.resent ? 'exactly-once' : 'copies';
    return model.disagree(
      rule,
      client,
      `'${client}' got ${describe(seen)} ${copies + 1} times (at most ${seen.maxCopies})`,
      {
        ...count,
        count: seen.maxCopies,
      },
    );
  }
  return model.disagree(
    'no-matching-subscription',
    client,
    `'${client}' got '${payload}' on ${packet.topic}, matching none of its subscriptions`,
    { ...count, count: 0 },
  );
}

function hintOf(
  client: ClientName,
  packet: PublishPacket,
  extra: Partial<CheckHint & { kind: 'delivery' }>,
): CheckHint {
  return {
    kind: 'delivery',
    client,
    topic: packet.topic,
    payload: packet.payload.toString('utf8'),
    ...extra,
  };
}

/** The delivery's rules: one group copy, will delay, expiry; then its flags. */
function deliveryBreach(
  model: BrokerModel,
  conn: ConnectionState,
  delivery: Delivery,
  packet: PublishPacket,
  now: number,
  count: CountHint,
): Disagreement | undefined {
  const client = conn.name;
  const v5 = model.version === '5.0';
  const hint = (extra: Partial<CheckHint & { kind: 'delivery' }>): CheckHint => hintOf(client, packet, extra);
  if (delivery.group !== undefined && delivery.group.copies >= 1 && !delivery.group.memberLost)
    return model.disagree(
      'shared-one-copy',
      client,
      `${describe(delivery)} reached a second member of its shared group ('${client}')`,
      {
        ...count,
        count: 0,
      },
    );
  if (delivery.notBefore !== undefined && now < delivery.notBefore)
    return model.disagree(
      'will-delay',
      client,
      `${describe(delivery)} arrived ${delivery.notBefore - now} ms before its Will Delay Interval was over`,
      {
        ...count,
        count: 0,
        // Count from the last action until just before the will may come: the early copy falls
        // inside that window on replay as well, a will on time does not.
        duration: Math.max(100, Math.round(delivery.notBefore - model.actedAt)),
      },
    );
  const expired = model.expiredAt(delivery.message, now);
  if (expired === 'yes')
    return model.disagree(
      'message-expiry',
      client,
      `${describe(delivery)} arrived ${now - delivery.message.at} ms after it was published with Message Expiry Interval ${delivery.message.expiry} s`,
      {
        ...count,
        count: 0,
      },
    );
  const forwardedExpiry = packet.properties?.messageExpiryInterval;
  if (
    v5 &&
    delivery.message.expiry !== undefined &&
    forwardedExpiry !== undefined &&
    forwardedExpiry > delivery.message.expiry
  )
    return model.disagree(
      'message-expiry',
      client,
      `${describe(delivery)} was forwarded with Message Expiry Interval ${forwardedExpiry} > ${delivery.message.expiry}`,
      hint({}),
    );
  return flagsBreach(model, conn, delivery, packet);
}

/** QoS, RETAIN, DUP and a packet id not in flight. */
function flagsBreach(
  model: BrokerModel,
  conn: ConnectionState,
  delivery: Delivery,
  packet: PublishPacket,
): Disagreement | undefined {
  const client = conn.name;
  const payload = packet.payload.toString('utf8');
  const hint = (extra: Partial<CheckHint & { kind: 'delivery' }>): CheckHint => hintOf(client, packet, extra);
  if (!delivery.qosAllowed.has(packet.qos))
    return model.disagree(
      'granted-qos',
      client,
      `${describe(delivery)} arrived at QoS ${packet.qos}; allowed ${[...delivery.qosAllowed].join(' or ')}`,
      hint({ qos: delivery.qosMax }),
    );
  if (!delivery.retainAllowed.has(packet.retain)) {
    const rule = delivery.kind === 'retained' ? 'retained-on-subscribe' : 'retain-flag-live';
    const expected = delivery.retainAllowed.has(true);
    return model.disagree(
      rule,
      client,
      `${describe(delivery)} arrived with RETAIN ${packet.retain ? 1 : 0}, expected ${expected ? 1 : 0}`,
      hint({ retain: expected }),
    );
  }
  const dupError = checkDup(delivery, packet);
  if (dupError !== undefined)
    return model.disagree(
      dupError.rule,
      client,
      `${describe(delivery)} arrived with DUP ${packet.dup ? 1 : 0}`,
      hint({ dup: dupError.expected }),
    );
  if (packet.qos > 0 && packet.packetId !== undefined && delivery.dup !== 'yes') {
    const other = conn.inflight.get(packet.packetId);
    if (other !== undefined && other !== delivery)
      return model.disagree(
        'free-packet-id',
        client,
        `${describe(delivery)} uses packet id ${packet.packetId}, still in flight for '${other.message.payload}'`,
        {
          kind: 'distinct-ids',
          client,
          first: other.message.payload,
          second: payload,
          topic: packet.topic,
        },
      );
  }
  return undefined;
}

/** 5.0 properties: the Subscription Identifiers of the matching subscriptions, the User Properties. */
function propertyBreach(
  model: BrokerModel,
  conn: ConnectionState,
  delivery: Delivery,
  packet: PublishPacket,
): Disagreement | undefined {
  if (model.version !== '5.0') return undefined;
  const client = conn.name;
  const hint = (extra: Partial<CheckHint & { kind: 'delivery' }>): CheckHint => hintOf(client, packet, extra);
  const ids = [packet.properties?.subscriptionIdentifier ?? []].flat();
  if (
    ids.some((id) => !delivery.subscriptionIds.includes(id)) ||
    (delivery.subscriptionIds.length > 0 && ids.length === 0 && delivery.copyWithoutIds !== true)
  )
    return model.disagree(
      'subscription-identifiers',
      client,
      `${describe(delivery)} carries subscription identifiers [${ids.join(', ')}]; its subscriptions have [${delivery.subscriptionIds.join(', ')}]`,
      hint({ subscriptionIds: 'present' }),
    );
  const expectedProps = delivery.message.userProperties ?? [];
  const got = packet.properties?.userProperties ?? [];
  if (JSON.stringify(got) !== JSON.stringify(expectedProps))
    return model.disagree(
      'user-properties',
      client,
      `${describe(delivery)} carries User Properties ${JSON.stringify(got)}, published with ${JSON.stringify(expectedProps)}`,
      hint({ userProperties: USER_PROPERTIES }),
    );
  return undefined;
}

/** An accepted copy: counted, and in flight while the client withholds its ack. */
function record(conn: ConnectionState, delivery: Delivery, packet: PublishPacket, now: number): void {
  delivery.copies.push({ qos: packet.qos, at: now });
  if (delivery.group !== undefined) delivery.group.copies += 1;
  delivery.unacked = undefined;
  // Each unacknowledged copy (one per overlapping subscription) is re-sent with DUP 1.
  const owed = (delivery.redeliveries ?? 0) - 1;
  delivery.redeliveries = Math.max(0, owed);
  delivery.dup = owed > 0 ? 'yes' : (delivery.laterCopies ?? 'no');
  if (packet.qos > 0 && packet.packetId !== undefined) {
    // An auto-acking client answers at once: only withheld acks keep a packet id in flight.
    if (!conn.autoAck) conn.inflight.set(packet.packetId, delivery);
  }
}

function checkDup(
  delivery: Delivery,
  packet: PublishPacket,
): { rule: 'dup-on-redelivery' | 'dup-first'; expected: boolean } | undefined {
  if (packet.qos === 0) return packet.dup ? { rule: 'dup-first', expected: false } : undefined;
  if (delivery.dup === 'yes' && !packet.dup) return { rule: 'dup-on-redelivery', expected: true };
  if (delivery.dup === 'no' && packet.dup) return { rule: 'dup-first', expected: false };
  return undefined;
}

const RULE_TEXT: Partial<Record<string, string>> = {
  'clean-session': 'belongs to a session that a clean start discarded',
  unsubscribed: 'matches only a filter it unsubscribed',
  'no-local': 'it published itself on a No Local subscription',
  'dollar-topics': 'starts with $ and matches only a filter starting with a wildcard',
  'will-discarded': 'is the will of a client that sent DISCONNECT',
  'will-delay': 'is a delayed will whose session was resumed in time',
  'retain-handling': 'is a retained message its Retain Handling option excludes',
  'message-expiry': 'had expired',
  'maximum-packet-size': 'is larger than its Maximum Packet Size',
};
