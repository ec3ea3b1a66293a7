// The end of a connection in the model: what happens to its session's deliveries, and its will
// (discarded after DISCONNECT, required after a drop, allowed after a server close, delayed in 5.0).
import type { BrokerModel } from './model.js';
import { CLIENT_NAMES } from './session.js';
import type { ConnectionState, SessionState } from './sessions.js';
import type { Delivery, Message } from './types.js';
import { discard, publishSize, routeMessage } from './route.js';

/** The connection of `conn` is gone: by DISCONNECT, by a drop, or closed by the server. */
export function connectionEnded(
  model: BrokerModel,
  conn: ConnectionState,
  now: number,
  how: 'disconnect' | 'drop' | 'server',
): void {
  const session = model.sessionOf(conn);
  conn.open = false;
  conn.awaiting = [];
  conn.closeDue = undefined;
  const wasAttached = conn.attached;
  conn.attached = false;
  if (session !== undefined) {
    session.attached = undefined;
    for (const delivery of session.deliveries) {
      if (delivery.group !== undefined) delivery.group.memberLost = true;
      // Sent and not acknowledged: re-sent with DUP 1 on resume. Not seen yet: the server may
      // have sent it into the closing connection (then it is a re-send) or not.
      // (A flow-limited client's delivery is not due, but may have been sent all the same.)
      if (delivery.copies.length === 0 && delivery.qosMax > 0) delivery.dup = 'either';
      // Copies not seen (one per overlapping subscription) may have gone into the closing connection.
      if (delivery.copies.length < delivery.maxCopies && delivery.qosMax > 0) delivery.laterCopies = 'either';
      if (delivery.message.qos === 0 || delivery.qosMax === 0) delivery.dueAt = undefined;
      else if (delivery.copies.length === 0) delivery.dueAt = undefined;
    }
    const inflight = new Map<Delivery, number>();
    for (const delivery of conn.inflight.values()) inflight.set(delivery, (inflight.get(delivery) ?? 0) + 1);
    for (const [packetId, delivery] of conn.inflight) {
      const copies = (inflight.get(delivery) ?? 1) + (delivery.redeliveries ?? 0);
      delivery.unacked = { packetId, copies };
    }
    if (!session.persistent) discard(model, session, 'clean-session');
  }
  conn.inflight = new Map();
  if (conn.will !== undefined && wasAttached) willOnClose(model, conn, now, how, session);
  conn.will = undefined;
}

export function willOnClose(
  model: BrokerModel,
  conn: ConnectionState,
  now: number,
  how: 'disconnect' | 'drop' | 'server',
  session: SessionState | undefined,
): void {
  const will = conn.will;
  if (will === undefined) return;
  const payload = conn.willPayload;
  const message: Message = {
    payload,
    topic: will.topic,
    qos: will.qos,
    retain: will.retain,
    publisher: '',
    at: now,
    size: publishSize(will.topic, payload.length, will.qos),
    resent: false,
    will: true,
  };
  if (how === 'disconnect') {
    for (const key of model.sessions.keys())
      model.forbid(key, { topic: will.topic, payload, rule: 'will-discarded' });
    return;
  }
  const delay = model.version === '5.0' ? (will.delay ?? 0) : 0;
  // 5.0: published when the delay ends or the session ends, whichever is first.
  const sessionLives = session !== undefined && session.persistent;
  const notBefore = delay > 0 && sessionLives ? now + delay * 1000 - model.options.toleranceMs : undefined;
  const before = new Set(model.sessions.keys());
  routeMessage(model, message, now);
  for (const s of model.sessions.values()) {
    for (const d of s.deliveries) {
      if (d.message !== message) continue;
      if (notBefore !== undefined) {
        d.notBefore = notBefore;
        d.dueAt = undefined;
      }
      // A takeover or a server close: the will may be published (not checked as required).
      if (how === 'server' || conn.takenOver) d.dueAt = undefined;
    }
  }
  void before;
  model.pendingWills.push({
    client: conn.name,
    message,
    sessionKey: conn.sessionKey,
    delayed: notBefore !== undefined,
  });
}

/** A CONNACK with session present on a session with a delayed will: the will must not come. */
export function cancelDelayedWills(model: BrokerModel, sessionKey: string, resumed: boolean): void {
  for (const pending of model.pendingWills) {
    if (!pending.delayed || pending.sessionKey !== sessionKey) continue;
    pending.delayed = false;
    for (const s of model.sessions.values()) {
      for (const d of s.deliveries) {
        if (d.message !== pending.message) continue;
        if (resumed) {
          d.maxCopies = 0;
          d.dueAt = undefined;
          model.forbid(s.key, { topic: d.message.topic, payload: d.message.payload, rule: 'will-delay' });
        } else d.notBefore = undefined;
      }
    }
  }
}

/**
 * A CONNECT with clean start for a session with a delayed will ends that session: the will may be
 * published from now on, before the delay is over ("the Will Delay Interval has passed or the
 * Session ends, whichever happens first", MQTT-3.1.3-9 is about a resumed session). The broker may
 * do so while handling the CONNECT, before its CONNACK reaches the client.
 */
export function sessionEndsDelayedWills(model: BrokerModel, sessionKey: string): void {
  for (const pending of model.pendingWills) {
    if (!pending.delayed || pending.sessionKey !== sessionKey) continue;
    for (const s of model.sessions.values())
      for (const d of s.deliveries) if (d.message === pending.message) d.notBefore = undefined;
  }
}

/**
 * Wills of connections the server may be closing (a violation, a takeover, keep alive over) may be
 * published before the client sees the close: they are allowed from then on.
 */
export function releaseWills(model: BrokerModel, now: number): void {
  for (const name of CLIENT_NAMES) {
    const conn = model.connections[name];
    if (!conn.open || !conn.attached || conn.will === undefined) continue;
    const keepAliveOver =
      conn.keepAlive > 0 && now - conn.lastSentAt >= conn.keepAlive * 1000 - model.options.toleranceMs;
    if (conn.closeDue === undefined && !conn.mayClose && !keepAliveOver) continue;
    willOnClose(model, conn, now, 'server', model.sessionOf(conn));
    conn.will = undefined;
  }
}
