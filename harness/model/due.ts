// What must have happened by a time: awaited replies, closes the server owes, keep alive, required
// deliveries; and a close by the server, judged against what allowed it.
import type { BrokerModel } from './model.js';
import { CLIENT_NAMES, type ClientName } from './session.js';
import type { CheckHint, Delivery, Disagreement } from './types.js';
import { connectionEnded, releaseWills } from './will.js';
import { describe } from './words.js';

/** The server closed (or reset) a client's connection. */
export function closedByServer(
  model: BrokerModel,
  client: ClientName,
  now: number,
): Disagreement | undefined {
  const conn = model.connections[client];
  if (!conn.open) return undefined;
  const idle = now - conn.lastSentAt;
  const keepAliveOver = conn.keepAlive > 0 && idle >= conn.keepAlive * 1000 - model.options.toleranceMs;
  const allowed = conn.closeDue !== undefined || conn.mayClose || keepAliveOver;
  connectionEnded(model, conn, now, 'server');
  if (allowed) return undefined;
  return model.disagree(
    'connection-kept',
    client,
    `the server closed the connection of '${client}' without a reason the model knows`,
    {
      kind: 'open',
      client,
    },
  );
}

/** Whether some reply is still awaited (the executor waits for replies before the next action). */
export function awaitingReplies(model: BrokerModel): boolean {
  return CLIENT_NAMES.some((name) => {
    const conn = model.connections[name];
    return conn.open && (conn.awaiting.length > 0 || conn.closeDue !== undefined);
  });
}

/** Whether a reply, a close or a delivery is still required. */
export function pendingRequirements(model: BrokerModel): boolean {
  if (awaitingReplies(model)) return true;
  for (const session of model.sessions.values())
    for (const d of session.deliveries) if (d.dueAt !== undefined && unmet(d)) return true;
  return false;
}

/**
 * A required delivery not yet met: no copy, or (overlapping subscriptions) no copy at the highest
 * matching QoS yet, which another copy may still bring until it is due [MQTT-3.3.4-2].
 */
function unmet(d: Delivery): boolean {
  return d.copies.length === 0 || !d.copies.some((c) => c.qos === d.qosMax);
}

/** The latest time something is due (the executor waits until then at the end). */
export function lastDue(model: BrokerModel): number | undefined {
  let last: number | undefined;
  const consider = (t: number | undefined): void => {
    if (t !== undefined && (last === undefined || t > last)) last = t;
  };
  for (const name of CLIENT_NAMES) {
    const conn = model.connections[name];
    for (const a of conn.awaiting) consider(a.dueAt);
    consider(conn.closeDue?.at);
  }
  for (const session of model.sessions.values())
    for (const d of session.deliveries) if (unmet(d)) consider(d.dueAt);
  return last;
}

/** Everything due by `now` that did not happen. */
export function checkDue(model: BrokerModel, now: number): Disagreement | undefined {
  releaseWills(model, now);
  for (const name of CLIENT_NAMES) {
    const conn = model.connections[name];
    if (!conn.open) continue;
    const late = conn.awaiting.find((a) => a.dueAt < now);
    if (late !== undefined) {
      const check: CheckHint =
        late.type === 'connack' && late.connack !== undefined
          ? { kind: 'connack', client: name, reasonCode: late.connack.reasonCodes[0] ?? 0 }
          : { kind: 'reply', client: name };
      return model.disagree(
        late.rule,
        name,
        `no ${late.type.toUpperCase()}${late.packetId !== undefined ? ` for packet id ${late.packetId}` : ''} within ${model.options.graceMs} ms`,
        check,
      );
    }
    if (conn.closeDue !== undefined && conn.closeDue.at < now) {
      return model.disagree(
        conn.closeDue.rule,
        name,
        `the connection of '${name}' is still open ${model.options.graceMs} ms after the server had to close it`,
        conn.closeDue.check,
      );
    }
    if (
      conn.keepAlive > 0 &&
      conn.attached &&
      now - conn.lastSentAt > conn.keepAlive * 1500 + model.options.toleranceMs
    ) {
      return model.disagree(
        'keep-alive',
        name,
        `'${name}' sent nothing for ${now - conn.lastSentAt} ms with keep alive ${conn.keepAlive} s and is still connected`,
        {
          kind: 'closed',
          client: name,
        },
      );
    }
  }
  for (const session of model.sessions.values()) {
    const client = session.attached;
    if (client === undefined) continue;
    for (const d of session.deliveries) {
      if (d.dueAt === undefined || d.dueAt >= now) continue;
      const hint: CheckHint = {
        kind: 'delivery',
        client,
        topic: d.message.topic,
        payload: d.message.payload,
        qos: d.qosMax,
      };
      if (d.copies.length === 0)
        return model.disagree(
          d.missingRule,
          client,
          `${describe(d)} did not arrive at '${client}' within ${model.options.graceMs} ms`,
          hint,
        );
      if (!d.copies.some((c) => c.qos === d.qosMax))
        return model.disagree(
          'overlapping-qos',
          client,
          `${describe(d)} arrived at QoS ${d.copies.map((c) => c.qos).join(', ')}, none at the highest matching QoS ${d.qosMax}`,
          hint,
        );
      d.dueAt = undefined;
    }
  }
  return undefined;
}
